/**
 * The element's own words (the scene list and hover cards), apart from the product panel's, so
 * the element's bundle carries only these. Locales: English, Korean, Chinese.
 */
import { agoText } from '@dipnet/protocol/format';

export interface ElementMessages {
  shopThisScene: (n: number) => string;
  productsInScene: string;
  seenEarlier: string;
  verifiedAt: (height: string, age: string) => string;
  /** How long ago, from seconds. */
  ago: (seconds: number) => string;
}

export const elementEN: ElementMessages = {
  shopThisScene: (n) => `Shop this scene (${n})`,
  productsInScene: 'Products in this scene',
  seenEarlier: 'Seen earlier',
  verifiedAt: (h, a) => `Verified at block ${h} · ${a}`,
  ago: agoText,
};

export const elementKO: ElementMessages = {
  shopThisScene: (n) => `이 장면 쇼핑하기 (${n})`,
  productsInScene: '이 장면의 상품',
  seenEarlier: '앞에서 본 상품',
  verifiedAt: (h, a) => `블록 ${h}에서 검증됨 · ${a}`,
  ago: (s) => (s < 60 ? `${s}초 전` : s < 3600 ? `${Math.floor(s / 60)}분 전` : `${Math.floor(s / 3600)}시간 전`),
};

export const elementZH: ElementMessages = {
  shopThisScene: (n) => `购买本场景商品 (${n})`,
  productsInScene: '本场景中的商品',
  seenEarlier: '之前看到的',
  verifiedAt: (h, a) => `已在区块 ${h} 验证 · ${a}`,
  ago: (s) => (s < 60 ? `${s} 秒前` : s < 3600 ? `${Math.floor(s / 60)} 分钟前` : `${Math.floor(s / 3600)} 小时前`),
};

/** A locale's entry in `table`: exact, then its language, then English. */
export function localeOf<T>(table: { en: T } & Record<string, T>, locale: string | null | undefined): T {
  if (!locale) return table.en;
  return table[locale] ?? table[locale.split('-')[0]!.toLowerCase()] ?? table.en;
}

export const elementMessagesFor = (locale: string | null | undefined): ElementMessages => localeOf({ en: elementEN, ko: elementKO, zh: elementZH }, locale);
