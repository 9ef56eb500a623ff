// `npm run api-docs`: the names the `proclab` module exports and their JSDoc, read from the API's own
// type declarations (src-main/lab/index.ts, through the TypeScript checker) into a small JSON that the
// renderer's script editor bundles for completion and hover. The JSON is committed; a unit test
// (tests/unit/lab-api-docs.test.ts) fails when the API changed and it was not made again.
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import type { LabApiEntry, LabApiMember } from '../src-shared/lab-api'

export type { LabApiEntry, LabApiMember }

/**
 * Members every shared object has for ProcLab's own plumbing (handles that cross processes, the
 * broker's pushes): public in TypeScript, of no use in a lab script, and 40% of the JSON with them.
 */
const PLUMBING = new Set(['toRef', 'onPush', 'defineRebuild', 'oid', 'type', 'toString'])

/** Long docs are cut: a hover is a reminder, docs/lab-api.md the reference. */
const MAX_DOC_CHARS = 600

/** `types`: the @types packages the entry needs (the lab API uses Node's). */
export function extractLabApi(entryFile: string, types: string[] = ['node']): LabApiEntry[] {
  const program = ts.createProgram([entryFile], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, noEmit: true, skipLibCheck: true, types })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(entryFile)
  if (!source) throw new Error(`cannot read ${entryFile}`)
  const moduleSymbol = checker.getSymbolAtLocation(source)
  if (!moduleSymbol) throw new Error(`${entryFile} exports nothing`)
  const entries = checker.getExportsOfModule(moduleSymbol).map((exported) => describeExport(checker, exported))
  return entries.sort((a, b) => a.name.localeCompare(b.name))
}

function describeExport(checker: ts.TypeChecker, exported: ts.Symbol): LabApiEntry {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
  const name = exported.getName()
  const doc = docOf(checker, symbol)
  if (symbol.flags & ts.SymbolFlags.Class) {
    const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0]
    const constructorType = checker.getTypeOfSymbol(symbol)
    const construct = constructorType.getConstructSignatures()[0]
    const parameters = construct ? construct.getParameters().map((p) => `${p.getName()}${isOptional(p) ? '?' : ''}: ${checker.typeToString(checker.getTypeOfSymbol(p))}`).join(', ') : ''
    const instanceType = checker.getDeclaredTypeOfSymbol(symbol)
    const members = [
      ...checker.getPropertiesOfType(instanceType).flatMap((member) => describeMember(checker, member, declaration, false)),
      ...checker.getPropertiesOfType(constructorType).flatMap((member) => (member.getName() === 'prototype' ? [] : describeMember(checker, member, declaration, true))),
    ]
    return { name, kind: 'class', detail: `class ${name}(${parameters})`, doc, members: members.sort((a, b) => a.name.localeCompare(b.name)) }
  }
  if (symbol.flags & ts.SymbolFlags.Function) {
    const signature = checker.getTypeOfSymbol(symbol).getCallSignatures()[0]
    return { name, kind: 'function', detail: `function ${name}${signature ? checker.signatureToString(signature) : '()'}`, doc }
  }
  if (symbol.flags & ts.SymbolFlags.Variable) {
    return { name, kind: 'variable', detail: `const ${name}: ${checker.typeToString(checker.getTypeOfSymbol(symbol))}`, doc }
  }
  const declared = checker.getDeclaredTypeOfSymbol(symbol)
  return { name, kind: 'type', detail: `type ${name} = ${checker.typeToString(declared, undefined, ts.TypeFormatFlags.InTypeAlias | ts.TypeFormatFlags.NoTruncation).slice(0, 300)}`, doc }
}

function describeMember(checker: ts.TypeChecker, member: ts.Symbol, owner: ts.Declaration | undefined, isStatic: boolean): LabApiMember[] {
  const name = member.getName()
  if (name.startsWith('_') || name.startsWith('#') || PLUMBING.has(name)) return []
  const declaration = member.valueDeclaration ?? member.declarations?.[0]
  if (!declaration) return []
  const flags = ts.getCombinedModifierFlags(declaration)
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return []
  if (ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'internal')) return []
  // Members of Object and the like that a class only inherits from outside the lab say nothing of it.
  if (owner && declaration.getSourceFile().isDeclarationFile) return []
  const type = checker.getTypeOfSymbolAtLocation(member, declaration)
  const call = type.getCallSignatures()[0]
  const method = member.flags & ts.SymbolFlags.Method && call
  const detail = method ? `${name}${checker.signatureToString(call)}` : `${name}: ${checker.typeToString(type)}`
  return [{ name, kind: method ? 'method' : 'property', detail, doc: docOf(checker, member), ...(isStatic ? { static: true as const } : {}) }]
}

function isOptional(parameter: ts.Symbol): boolean {
  const declaration = parameter.valueDeclaration
  return !!declaration && ts.isParameter(declaration) && (declaration.questionToken !== undefined || declaration.initializer !== undefined)
}

function docOf(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim()
  return text.length <= MAX_DOC_CHARS ? text : `${text.slice(0, MAX_DOC_CHARS - 1).trimEnd()}…`
}

export const LAB_API_ENTRY = 'src-main/lab/index.ts'
export const LAB_API_JSON = 'src-renderer/features/editor/labApi.json'

/** The JSON as written: one line per entry, so a change of the API is a readable diff. */
export function labApiJson(entries: LabApiEntry[]): string {
  return `[\n${entries.map((entry) => JSON.stringify(entry)).join(',\n')}\n]\n`
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const entries = extractLabApi(resolve(root, LAB_API_ENTRY))
  writeFileSync(resolve(root, LAB_API_JSON), labApiJson(entries))
  process.stdout.write(`${LAB_API_JSON}: ${entries.length} names\n`)
}
