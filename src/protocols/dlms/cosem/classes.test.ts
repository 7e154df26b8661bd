import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeId, CLASS_ID, classById, COSEM_CLASSES, methodId, validateClassTable, type ClassDef } from './classes.ts';

test('the class table passes its schema', () => {
  assert.deepEqual(validateClassTable(COSEM_CLASSES), []);
  assert.deepEqual(Object.values(CLASS_ID).sort((a, b) => a - b), [1, 3, 4, 7, 8, 15, 18, 20, 21, 64, 70, 71]);
  assert.equal(attributeId('register', 'scaler_unit'), 3);
  assert.equal(attributeId('profileGeneric', 'capture_period'), 4);
  assert.equal(methodId('disconnectControl', 'remote_reconnect'), 2);
  assert.equal(classById(8)?.name, 'Clock');
  assert.throws(() => attributeId('clock', 'nope'), RangeError);
});

test('a deliberately broken table is rejected with one message per problem', () => {
  const broken: Record<string, ClassDef> = {
    a: { classId: 3, name: 'A', version: 0, attributes: [{ id: 1, name: 'value', type: 'any' }], methods: [] },
    b: {
      classId: 3, name: 'B', version: 300,
      attributes: [{ id: 1, name: 'logical_name', type: 'octet-string' }, { id: 3, name: 'Value', type: 'float128' as never }],
      methods: [{ id: 1, name: 'reset' }, { id: 2, name: 'reset' }],
    },
  };
  const problems = validateClassTable(broken);
  const has = (s: string): boolean => problems.some((p) => p.includes(s));
  assert.ok(has('attribute 1 must be logical_name'), 'logical_name');
  assert.ok(has('class id also used by a'), 'duplicate class id');
  assert.ok(has('version must be'), 'version');
  assert.ok(has('has id 3'), 'gap in ids');
  assert.ok(has('not snake_case'), 'name style');
  assert.ok(has('unknown type float128'), 'type');
  assert.ok(has('used twice'), 'duplicate method');
});
