// Lower-cased words ending in "." after which a sentence (almost) never ends: titles before names, Latin
// abbreviations that introduce something.
export const ALWAYS_CONTINUES = new Set([
  'mr.', 'mrs.', 'ms.', 'mx.', 'dr.', 'prof.', 'rev.', 'hon.', 'gen.', 'col.', 'capt.', 'lt.', 'sgt.', 'cmdr.',
  'gov.', 'sen.', 'rep.', 'pres.', 'supt.', 'st.', 'mt.', 'ft.', 'messrs.', 'mme.', 'mlle.', 'fr.',
  'e.g.', 'i.e.', 'cf.', 'viz.', 'vs.', 'v.', 'fig.', 'figs.', 'eq.', 'eqs.', 'approx.', 'ca.', 'c.', 'ref.',
  'refs.', 'sec.', 'ch.', 'vol.', 'vols.', 'pp.', 'p.', 'op.', 'esp.', 'incl.', 'resp.', 'dept.', 'univ.',
  'jan.', 'feb.', 'mar.', 'apr.', 'jun.', 'jul.', 'aug.', 'sep.', 'sept.', 'oct.', 'nov.', 'dec.',
]);

// Words that may end a sentence as well as sit inside one: keep going only when the next text starts lowercase or
// with a digit ("etc. and", "No. 5", "Jr. was").
export const MAY_END = new Set([
  'etc.', 'jr.', 'sr.', 'inc.', 'ltd.', 'co.', 'corp.', 'bros.', 'al.', 'no.', 'nos.', 'est.', 'misc.',
]);

// Capitalised words that usually start a sentence; after an acronym ("U.S.") they mean a new sentence began.
export const SENTENCE_STARTERS = new Set([
  'A', 'An', 'The', 'This', 'That', 'These', 'Those', 'There', 'Here', 'It', 'Its', 'He', 'She', 'We', 'They', 'I',
  'You', 'Your', 'Our', 'My', 'His', 'Her', 'Their', 'In', 'On', 'At', 'By', 'For', 'From', 'To', 'With', 'Of',
  'But', 'And', 'Or', 'So', 'Yet', 'If', 'When', 'While', 'What', 'Who', 'Why', 'How', 'Where', 'Which', 'As',
  'After', 'Before', 'Since', 'Then', 'Now', 'However', 'Also', 'Although', 'Because', 'Some', 'Many', 'Most',
  'All', 'No', 'Not', 'One', 'Each', 'Every', 'Such', 'Today', 'Yesterday', 'Later', 'Meanwhile', 'Still',
]);
