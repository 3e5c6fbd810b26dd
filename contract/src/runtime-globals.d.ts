// The one runtime global the contract uses, declared here because the contract is checked
// without Node and DOM types: WHATWG URL exists in Node.js and in every browser.
declare class URL {
  constructor(url: string, base?: string);
  readonly protocol: string;
  readonly search: string;
  readonly hash: string;
  toString(): string;
}
