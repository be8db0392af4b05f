import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { messages, protobufKinds } from './index.ts';
import type { FieldType } from './index.ts';

const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'bytes']);

function referencedMessage(type: FieldType): string | undefined {
  return /^(?:map<string,)?message:([A-Za-z0-9]+)>?$/.exec(type)?.[1];
}

describe('message table', () => {
  for (const [name, spec] of Object.entries(messages)) {
    test(`${name}: unique numbers and names, valid types, resolvable references`, () => {
      const numbers = spec.fields.map((f) => f.number);
      const names = spec.fields.map((f) => f.name);
      assert.equal(new Set(numbers).size, numbers.length, `duplicate field number in ${name}`);
      assert.equal(new Set(names).size, names.length, `duplicate field name in ${name}`);
      for (const field of spec.fields) {
        assert.ok(Number.isInteger(field.number) && field.number >= 1 && field.number < 2 ** 29, `${name}.${field.name} number`);
        const ref = referencedMessage(field.type);
        const valid = SCALARS.has(field.type) || field.type === 'map<string,string>' || field.type === 'map<string,bytes>' || ref !== undefined;
        assert.ok(valid, `${name}.${field.name} has unknown type ${field.type}`);
        if (ref !== undefined) assert.ok(Object.hasOwn(messages, ref), `${name}.${field.name} refers to missing message ${ref}`);
        if (field.inline) assert.ok(field.type.startsWith('message:') && !field.repeated, `${name}.${field.name}: only singular messages can be inlined`);
        if (field.pointer) assert.ok(SCALARS.has(field.type) && !field.repeated, `${name}.${field.name}: pointer applies to singular scalars`);
        if (field.type.startsWith('map<')) assert.ok(!field.repeated, `${name}.${field.name}: maps are already repeated`);
      }
    });
  }

  test('every decodable kind is a top-level object with ObjectMeta as field 1', () => {
    for (const [kind, typeName] of Object.entries(protobufKinds)) {
      const spec = messages[typeName];
      assert.ok(spec !== undefined, `${kind} maps to missing message ${typeName}`);
      assert.deepEqual(spec.fields[0], { number: 1, name: 'metadata', type: 'message:ObjectMeta' }, kind);
    }
  });

  // Spot checks against the generated.proto numbers most likely to be mistyped.
  const spotChecks: [string, string, number][] = [
    ['ObjectMeta', 'labels', 11],
    ['ObjectMeta', 'annotations', 12],
    ['ObjectMeta', 'managedFields', 17],
    ['OwnerReference', 'apiVersion', 5],
    ['Secret', 'immutable', 5],
    ['Secret', 'type', 3],
    ['ConfigMap', 'binaryData', 3],
    ['PodSpec', 'initContainers', 20],
    ['PodSpec', 'imagePullSecrets', 15],
    ['Container', 'envFrom', 19],
    ['Container', 'terminationMessagePolicy', 20],
    ['Container', 'restartPolicy', 24],
    ['VolumeSource', 'configMap', 19],
    ['DeploymentSpec', 'progressDeadlineSeconds', 9],
    ['DeploymentStatus', 'readyReplicas', 7],
    ['DeploymentCondition', 'lastUpdateTime', 6],
  ];
  for (const [message, field, number] of spotChecks) {
    test(`${message}.${field} is field ${number}`, () => {
      assert.equal(messages[message]?.fields.find((f) => f.name === field)?.number, number);
    });
  }
});
