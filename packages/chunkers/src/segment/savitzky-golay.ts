/**
 * Savitzky–Golay smoothing (least-squares polynomial fit in a sliding window), with SciPy's default 'interp' edges:
 * the first and last half-windows take their values from the polynomial fitted to the first and last full window.
 * Signals shorter than the window are fitted as one window with the order capped at length − 1.
 */
export function savitzkyGolay(y: ArrayLike<number>, windowLength: number, polyOrder: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const w = Math.min(windowLength % 2 === 1 ? windowLength : windowLength + 1, n % 2 === 1 ? n : n - 1);
  if (w < 1 || n < 3) {
    for (let i = 0; i < n; i++) out[i] = y[i]!;
    return out;
  }
  const hat = hatMatrix(w, Math.min(polyOrder, w - 1));
  const m = (w - 1) / 2;
  for (let i = 0; i < n; i++) {
    // Window start and the row of the hat matrix that evaluates the fit at position i.
    const start = i < m ? 0 : i >= n - m ? n - w : i - m;
    const row = i - start;
    let s = 0;
    for (let j = 0; j < w; j++) s += hat[row * w + j]! * y[start + j]!;
    out[i] = s;
  }
  return out;
}

/** H = A (AᵀA)⁻¹ Aᵀ for the Vandermonde matrix A of positions 0..w−1 (centred) and powers 0..p: fit-and-evaluate. */
function hatMatrix(w: number, p: number): Float64Array {
  const m = (w - 1) / 2;
  const k = p + 1;
  const a = new Float64Array(w * k);
  for (let i = 0; i < w; i++) for (let j = 0; j < k; j++) a[i * k + j] = (i - m) ** j;
  const ata = new Float64Array(k * k);
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) for (let i = 0; i < w; i++) ata[r * k + c]! += a[i * k + r]! * a[i * k + c]!;
  const inv = invert(ata, k);
  const h = new Float64Array(w * w);
  for (let i = 0; i < w; i++) {
    for (let j = 0; j < w; j++) {
      let s = 0;
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) s += a[i * k + r]! * inv[r * k + c]! * a[j * k + c]!;
      h[i * w + j] = s;
    }
  }
  return h;
}

/** Gauss–Jordan inverse with partial pivoting of a small k×k matrix. */
function invert(m: Float64Array, k: number): Float64Array {
  const a = Float64Array.from(m);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r * k + col]!) > Math.abs(a[piv * k + col]!)) piv = r;
    for (let c = 0; c < k; c++) {
      [a[col * k + c], a[piv * k + c]] = [a[piv * k + c]!, a[col * k + c]!];
      [inv[col * k + c], inv[piv * k + c]] = [inv[piv * k + c]!, inv[col * k + c]!];
    }
    const d = a[col * k + col]!;
    for (let c = 0; c < k; c++) {
      a[col * k + c]! /= d;
      inv[col * k + c]! /= d;
    }
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r * k + col]!;
      if (f === 0) continue;
      for (let c = 0; c < k; c++) {
        a[r * k + c]! -= f * a[col * k + c]!;
        inv[r * k + c]! -= f * inv[col * k + c]!;
      }
    }
  }
  return inv;
}
