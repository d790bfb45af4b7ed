// Barrel for this area; its owner adds exports here.
export {};
