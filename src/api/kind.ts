// One served kind, declared once: discovery, OpenAPI, defaulting, validation, printing and
// selectors all read this. Adding a kind is writing one of these (issue 3, "Adding a kind is
// declarative").
import type { KubeObject } from './object.ts';

/** One invalid field, shaped as a metav1.StatusCause. */
export interface FieldError {
  /** `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueDuplicate`, `FieldValueForbidden`, `FieldValueTooLong`, `FieldValueTypeInvalid`. */
  reason: string;
  /** kubectl prints `<field>: <message>`, e.g. `Required value` or `Invalid value: "Foo": a lowercase RFC 1123 ...`. */
  message: string;
  /** Dotted path such as `spec.template.spec.containers[0].image`. */
  field: string;
}

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0: default view; 1: only with `-o wide`. */
  priority: 0 | 1;
}

export interface TableDefinition {
  columns: TableColumn[];
  /** The cells of one row, pre-formatted as kubectl prints them (ages such as `75s`). */
  cells(object: KubeObject, now: Date): unknown[];
}

export interface SubresourceDefinition {
  name: 'status' | 'scale' | 'log' | 'binding' | 'finalize';
  /** The kind the subresource takes and returns when it is not the parent's. */
  kind?: { group: string; version: string; kind: string };
  verbs: string[];
}

export interface KindDefinition {
  group: string; // '' for core
  version: string;
  kind: string;
  listKind: string;
  /** Plural, lower case: the URL segment. */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceDefinition[];
  /** The OpenAPI component name of the kind's schema, e.g. `io.k8s.api.apps.v1.Deployment`. */
  schema: string;
  /** Whether a write to the main resource keeps the stored status (kinds with a status subresource). */
  hasStatus: boolean;
  /** Fill defaults in place, as the apiserver's defaulting does on create and update. */
  defaults(object: KubeObject): void;
  /** Validate a defaulted object; `old` is the stored object on update. */
  validate(object: KubeObject, old?: KubeObject): FieldError[];
  table: TableDefinition;
  /** Field-selector fields beyond `metadata.name` and `metadata.namespace`, with how to read them. */
  fieldSelectors: Record<string, (object: KubeObject) => string>;
}
