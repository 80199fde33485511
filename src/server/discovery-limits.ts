// How many agents discover_agents returns: here on their own so that tools/list (answered before
// the server loads anything else) does not pull in the discovery code.
export const DEFAULT_LIMIT = 5;
export const MAX_LIMIT = 25;
