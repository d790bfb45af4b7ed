import { createRequire } from 'node:module';
import type * as ArrowModule from 'apache-arrow';

// LanceDB is CommonJS and checks `instanceof` against the CommonJS build of apache-arrow. An ESM `import`
// would load the package's second (ESM) build with different classes (LanceDB #984/#1458), so load the one
// LanceDB uses.
const require = createRequire(import.meta.url);
export const arrow: typeof ArrowModule = require('apache-arrow');
export type { ArrowModule };
