import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayText } from './display-text.ts';

test('bidirectional overrides and isolates are removed; marks and text stay', () => {
  assert.equal(displayText('invoice\u202Egpj.exe'), 'invoicegpj.exe');
  assert.equal(displayText('\u2066a\u2067b\u2068c\u2069\u202A\u202B\u202C\u202D'), 'abc');
  assert.equal(displayText('מנורה\u200F 45'), 'מנורה\u200F 45');
  assert.equal(displayText('Field jacket'), 'Field jacket');
});
