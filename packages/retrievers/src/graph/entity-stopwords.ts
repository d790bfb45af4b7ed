/**
 * Words that never make an entity on their own and are trimmed from the ends of capitalised phrases:
 * function words, pronouns, question words and the usual sentence openers ("However, Paris…"). Normalised
 * (lowercase, no apostrophes), since they are compared with normalised tokens.
 */
export const ENTITY_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also although am among an and another any are as at be because been ' +
    'before being below between both but by can could did do does doing down during each either even ever every ' +
    'few for from further had has have having he her here hers herself him himself his how however i if in into ' +
    'is it its itself just least less many may me meanwhile might more most much must my myself neither never ' +
    'no nor not now of off on once one only or other our ours ourselves out over own per perhaps rather same she ' +
    'should since so some still such than that the their theirs them themselves then there therefore these they ' +
    'this those though through thus to too under until up upon us very was we were what whatever when whenever ' +
    'where whereas whether which while who whom whose why will with within without would yet you your yours ' +
    'yourself yourselves according although despite following including later like near unlike via ' +
    'dont doesnt didnt isnt wasnt arent werent cant couldnt wont wouldnt shouldnt hes shes theyre im ive youre'
  ).split(' '),
);

/**
 * Lowercase words allowed inside a capitalised phrase: "Bank of America", "Leonardo da Vinci", "Ludwig van
 * Beethoven". Not "and", "in", "at", "on": they join two names far more often than they sit inside one
 * ("Meg Whitman and Rudy Giuliani", "Oahu in Honolulu County").
 */
export const PHRASE_CONNECTORS: ReadonlySet<string> = new Set(
  'of the de del della der di da du des la le les van von den y'.split(' '),
);
