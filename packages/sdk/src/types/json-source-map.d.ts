// json-source-map ships no types; only the part we call is declared.
declare module 'json-source-map' {
  export interface Location {
    line: number;
    column: number;
    pos: number;
  }
  export interface PointerLocations {
    key?: Location;
    keyEnd?: Location;
    value: Location;
    valueEnd: Location;
  }
  export function parse(
    source: string,
    reviver?: unknown,
    options?: { bigint?: boolean },
  ): { data: unknown; pointers: Record<string, PointerLocations> };
}
