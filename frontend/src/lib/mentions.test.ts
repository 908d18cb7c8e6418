import { describe, expect, it } from 'vitest';
import { completeMention, mentionAt } from './mentions';

describe('mentionAt', () => {
  it('OK', () => {
    expect(mentionAt('hi @bo', 6)).toEqual({ start: 3, query: 'bo' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('(@Ann', 5)).toEqual({ start: 1, query: 'ann' });
    expect(mentionAt('hi @bob and more', 7)).toEqual({ start: 3, query: 'bob' });
  });
  it('ErrNotAMention', () => {
    expect(mentionAt('mail ann@ex', 11)).toBeUndefined();
    expect(mentionAt('hi bob', 6)).toBeUndefined();
    expect(mentionAt('hi @bob ', 8)).toBeUndefined();
    expect(mentionAt('@@bob', 5)).toBeUndefined();
    expect(mentionAt('é@bob', 5)).toBeUndefined();
    expect(mentionAt('@' + 'a'.repeat(33), 34)).toBeUndefined();
  });
});

describe('completeMention', () => {
  it('OK', () => {
    const q = mentionAt('hi @bo', 6);
    expect(q).toBeDefined();
    expect(completeMention('hi @bo', 6, q!, 'bob')).toEqual({ text: 'hi @bob ', caret: 8 });
  });
  it('OKMidText', () => {
    const text = 'hi @bo there';
    const q = mentionAt(text, 6)!;
    expect(completeMention(text, 6, q, 'bob')).toEqual({ text: 'hi @bob there', caret: 8 });
  });
  it('OKReplacesTheRestOfTheName', () => {
    const text = 'hi @bxyz';
    const q = mentionAt(text, 5)!;
    expect(completeMention(text, 5, q, 'bob')).toEqual({ text: 'hi @bob ', caret: 8 });
  });
});
