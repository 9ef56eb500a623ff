// The shape of the `proclab` API's names and docs as the script editor bundles them
// (scripts/lab-api-docs.ts writes them, src-renderer/features/editor reads them).

export interface LabApiMember {
  name: string
  kind: 'method' | 'property'
  /** The member's signature as TypeScript prints it (the first overload for a method). */
  detail: string
  doc: string
  static?: true
}

export interface LabApiEntry {
  name: string
  kind: 'class' | 'function' | 'variable' | 'type'
  detail: string
  doc: string
  /** A class's public members, inherited ones included. */
  members?: LabApiMember[]
}
