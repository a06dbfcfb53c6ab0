/** A pointer as printed: the root is shown as `/` so that the column is never empty. */
export function showPointer(pointer: string | undefined): string {
  return pointer === undefined || pointer === '' ? '/' : pointer;
}
