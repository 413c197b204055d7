// Jest setup (jest.config.js setupFiles), run in each worker process before its first test file:
// registers tsx's loader, as `node --import tsx` does, so the TypeScript test files and the modules
// they import load as `npm run <script>` loads them. Registered here rather than through
// NODE_OPTIONS, which every process a test starts would inherit (the Pulumi policy runner would
// then compile the pack twice, and `tsx` itself would not resolve from a temporary directory).
import 'tsx';
