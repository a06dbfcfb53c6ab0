// Node entry: everything of the browser entry plus what needs Node (hashing, the file system).
export * from './browser.js';
export { digest } from './digest.js';
export {
  PackageError,
  checkContracts,
  loadPackage,
  packBundle,
  type Bundle,
  type LoadedPackage,
  type PackageIssue,
  type PlugboardField,
} from './package.js';
