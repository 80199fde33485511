/** A path as one shell word (single quotes unless it is plainly safe). */
export declare function shellQuote(s: string): string;
