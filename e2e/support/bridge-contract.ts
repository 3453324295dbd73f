import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './paths.js';

/**
 * The members of FramewiseBridge (main/bridge.ts, with those it inherits from the contract's
 * ApiClient), read from the types with the TypeScript compiler: the one place that says what the
 * preload must put into the page. The Electron spec and the preload's unit test both compare
 * against it, so neither keeps a list of its own that could drift from the contract.
 */
export function bridgeContractKeys(): string[] {
  const file = join(ROOT, 'main', 'bridge.ts');
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const decl = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'FramewiseBridge',
  );
  if (!decl) throw new Error(`no interface FramewiseBridge in ${file}`);
  const checker = program.getTypeChecker();
  return checker
    .getPropertiesOfType(checker.getTypeAtLocation(decl.name))
    .map((p) => p.getName())
    .sort();
}
