/**
 * The widget's words. Every string a viewer reads comes from here, so a site can choose the
 * locale (`locale` attribute): English, Korean (the whitepaper's language) and Chinese. The
 * element's own few words are in element-messages.ts (its bundle carries only those).
 */
import { elementEN, elementKO, elementZH, localeOf, type ElementMessages } from '../element-messages.ts';
export interface Messages extends ElementMessages {
  close: string;
  syncing: (height: string, target: string) => string;
  connecting: string;
  verifying: string;
  /** The verified head is stale: no purchase is offered on it. */
  stale: (height: string, age: string) => string;
  verifiedTitle: string;
  unverifiable: (reason: string) => string;
  /** A source the light client does not use now, and why. */
  sourceFaulty: (source: string, reason: string, retryInS: number) => string;
  sourceUnavailable: (source: string, reason: string, retryInS: number) => string;
  tryAgain: string;
  producer: string;
  price: string;
  leadTime: string;
  available: string;
  notAvailable: string;
  buy: string;
  quantity: string;
  shippingTitle: string;
  shippingNote: string;
  name: string;
  address: string;
  postcode: string;
  country: string;
  email: string;
  next: string;
  back: string;
  confirmTitle: string;
  confirmOrder: (product: string, quantity: number) => string;
  total: string;
  priceLine: string;
  designerFee: string;
  networkFee: string;
  shippingFingerprint: string;
  fromWallet: string;
  pay: string;
  paying: string;
  stage: Record<'signing' | 'submitted' | 'included' | 'verified', string>;
  orderPlaced: string;
  orderId: string;
  tracking: string;
  wallet: string;
  createWallet: string;
  importKey: string;
  secretKey: string;
  importNote: string;
  importInvalid: string;
  importSubmit: string;
  balance: string;
  insufficient: (need: string) => string;
  tokenPriced: (symbol: string) => string;
  noWallet: string;
  failed: (reason: string) => string;
  /** The payment was sent; no verified block proves its outcome yet. */
  pendingTitle: string;
  pendingNote: string;
  /** A relay's unverified word on the payment. */
  relaySays: (what: string) => string;
  relayRefused: (code: string) => string;
  relayInBlock: (height: string) => string;
  /** An earlier order of this product from this wallet is not proven yet. */
  earlierPending: string;
  /** Proven: the payment's place went to another transaction, so it never goes through. */
  notPlaced: string;
  /** The tracking view could not verify the latest state. */
  trackingPaused: (reason: string) => string;
  state: (s: string) => string;
  status: Record<'active' | 'settled' | 'refunded', string>;
  tag: (t: string) => string;
  metadataMismatch: string;
  hostTookOver: string;
  /** The pay button when the wallet lives in its own window. */
  payInWallet: string;
  /** Under the confirm step, in the wallet-window mode. */
  walletWindowNote: string;
  /** The confirm click did not count (covered frame, no gesture…): nothing was signed. */
  notSigned: (reason: string) => string;
  days: (n: number) => string;
  hours: (n: number) => string;
  minutes: (n: number) => string;
}

const STATES_EN: Record<string, string> = {
  sourcing: 'Sourcing parts', producing: 'In production', ready: 'Ready', delivered: 'Delivered', bidding: 'Taking bids', awarded: 'Awarded',
  supplied: 'Supplied', ordered: 'Ordered', booked: 'Booked', inTransit: 'In transit', waiting: 'Waiting', passed: 'Passed', rejected: 'Rejected',
  awaiting: 'Awaiting deposit', active: 'Active', settled: 'Settled', refunded: 'Refunded',
};
const STATES_KO: Record<string, string> = {
  sourcing: '부품 조달 중', producing: '생산 중', ready: '준비 완료', delivered: '배송 완료', bidding: '입찰 중', awarded: '낙찰',
  supplied: '공급 완료', ordered: '주문됨', booked: '예약됨', inTransit: '배송 중', waiting: '대기 중', passed: '합격', rejected: '불합격',
  awaiting: '보증금 대기', active: '유효', settled: '정산 완료', refunded: '환불됨',
};
const TAGS_EN: Record<string, string> = { part: 'Part', supplier: 'Supplier', ship: 'Shipping', inspect: 'Inspection', guarantee: 'Guarantee' };
const TAGS_KO: Record<string, string> = { part: '부품', supplier: '공급자', ship: '배송', inspect: '검사', guarantee: '보증' };

export const en: Messages = {
  ...elementEN,
  close: 'Close',
  syncing: (h, t) => `Verifying the chain… block ${h} of ${t}`,
  connecting: 'Connecting to the network…',
  verifying: 'Verifying the product on chain…',
  stale: (h, a) => `Last verified block ${h}, ${a} — the network may be unreachable or hiding newer blocks. Buying waits for a newer block.`,
  verifiedTitle: 'Price and availability were checked against validator signatures and a Merkle proof by the light client in your browser.',
  unverifiable: (r) => `This product could not be verified, so nothing about it is shown: ${r}`,
  sourceFaulty: (s, r, t) => `Not trusted: ${s} served data that failed verification (${r}); asked again in ${t} s.`,
  sourceUnavailable: (s, r, t) => `Unreachable or early: ${s} (${r}); asked again in ${t} s.`,
  tryAgain: 'Try again',
  producer: 'Producer',
  price: 'Price',
  leadTime: 'Made in',
  available: 'Available to order',
  notAvailable: 'Not taking orders',
  buy: 'Buy',
  quantity: 'Quantity',
  shippingTitle: 'Shipping details',
  shippingNote: 'Your shipping details never go on the chain. Only a fingerprint (a salted hash) is recorded; the details are passed to the producer by this site.',
  name: 'Name',
  address: 'Address',
  postcode: 'Postcode',
  country: 'Country',
  email: 'Email',
  next: 'Review order',
  back: 'Back',
  confirmTitle: 'Confirm and sign',
  confirmOrder: (p, q) => `Order ${q} × ${p}`,
  total: 'You pay at most',
  priceLine: 'Price',
  designerFee: 'Contract designer fee',
  networkFee: 'Network fee (at most; unused gas is refunded)',
  shippingFingerprint: 'Shipping fingerprint',
  fromWallet: 'From wallet',
  pay: 'Sign and pay',
  paying: 'Paying…',
  stage: { signing: 'Signing in your browser', submitted: 'Sent to the network', included: 'Included in a block', verified: 'Verified' },
  orderPlaced: 'Order placed. Production has started.',
  orderId: 'Order',
  tracking: 'Production',
  wallet: 'Wallet',
  createWallet: 'Create a wallet',
  importKey: 'Import a key',
  secretKey: 'Secret key (64 hex characters)',
  importNote: 'The key goes straight to the light client in your browser and becomes this wallet. This site does not keep it.',
  importInvalid: 'A secret key is exactly 64 hexadecimal characters (0–9, a–f).',
  importSubmit: 'Use this key',
  balance: 'Balance',
  insufficient: (need) => `Your balance is too low: this order needs ${need}.`,
  tokenPriced: (symbol) => `Priced in ${symbol}, the producer's own token: pay with a ${symbol} wallet (this player pays in DPN only).`,
  noWallet: 'You need a wallet to pay. It is created in your browser; its key never leaves it.',
  failed: (r) => `The payment did not go through: ${r}`,
  pendingTitle: 'Payment sent — not confirmed yet',
  pendingNote: 'No verified block shows this payment yet. The light client in your browser keeps checking and will show the order here as soon as the chain proves it (or proves it never went through). Do not pay again.',
  relaySays: (w) => `The relay says: ${w}. That is only its word; the chain decides.`,
  relayRefused: (c) => `refused (${c})`,
  relayInBlock: (h) => `in block ${h}`,
  earlierPending: 'An earlier order of this product from this wallet is still being confirmed. Paying again before it is proven could order it twice.',
  notPlaced: 'Proven on chain: this payment never went through (its place went to another transaction). Nothing was charged for it.',
  trackingPaused: (r) => `Tracking paused — the latest state could not be verified: ${r}. What is shown is the last verified state; it resumes when a source serves verified data.`,
  state: (s) => STATES_EN[s] ?? s,
  status: { active: 'In progress', settled: 'Settled', refunded: 'Refunded' },
  tag: (t) => TAGS_EN[t] ?? t,
  metadataMismatch: 'the product description does not match its on-chain fingerprint',
  hostTookOver: 'this site handles the purchase itself; nothing was signed',
  payInWallet: 'Pay with my DIPNET wallet',
  walletWindowNote: 'Your wallet opens in its own window. Its key never reaches this site, and only your click here can start a payment.',
  notSigned: (r) => `Nothing was signed: ${r}`,
  days: (n) => `${n} day${n === 1 ? '' : 's'}`,
  hours: (n) => `${n} hour${n === 1 ? '' : 's'}`,
  minutes: (n) => `${n} min`,
};

export const ko: Messages = {
  ...elementKO,
  close: '닫기',
  syncing: (h, t) => `체인 검증 중… 블록 ${h} / ${t}`,
  connecting: '네트워크에 연결 중…',
  verifying: '상품을 체인에서 검증하는 중…',
  stale: (h, a) => `마지막으로 검증된 블록 ${h}, ${a} — 네트워크에 연결할 수 없거나 새 블록이 숨겨지고 있을 수 있습니다. 새 블록이 검증될 때까지 구매를 기다립니다.`,
  verifiedTitle: '가격과 재고는 브라우저의 라이트 클라이언트가 검증자 서명과 머클 증명으로 확인했습니다.',
  unverifiable: (r) => `이 상품을 검증할 수 없어 아무 정보도 표시하지 않습니다: ${r}`,
  sourceFaulty: (s, r, t) => `신뢰하지 않음: ${s}이(가) 검증에 실패한 데이터를 보냈습니다 (${r}). ${t}초 후 다시 확인합니다.`,
  sourceUnavailable: (s, r, t) => `연결할 수 없거나 시간이 앞섬: ${s} (${r}). ${t}초 후 다시 확인합니다.`,
  tryAgain: '다시 시도',
  producer: '생산자',
  price: '가격',
  leadTime: '제작 기간',
  available: '주문 가능',
  notAvailable: '주문 불가',
  buy: '구매',
  quantity: '수량',
  shippingTitle: '배송 정보',
  shippingNote: '배송 정보는 체인에 기록되지 않습니다. 솔트가 더해진 해시(지문)만 기록되며, 정보는 이 사이트가 생산자에게 전달합니다.',
  name: '이름',
  address: '주소',
  postcode: '우편번호',
  country: '국가',
  email: '이메일',
  next: '주문 확인',
  back: '뒤로',
  confirmTitle: '확인 및 서명',
  confirmOrder: (p, q) => `${p} ${q}개 주문`,
  total: '최대 결제 금액',
  priceLine: '가격',
  designerFee: '계약 설계자 수수료',
  networkFee: '네트워크 수수료 (최대; 사용하지 않은 가스는 환불)',
  shippingFingerprint: '배송 정보 지문',
  fromWallet: '지갑',
  pay: '서명하고 결제',
  paying: '결제 중…',
  stage: { signing: '브라우저에서 서명 중', submitted: '네트워크로 전송됨', included: '블록에 포함됨', verified: '검증됨' },
  orderPlaced: '주문 완료. 생산이 시작되었습니다.',
  orderId: '주문',
  tracking: '생산 현황',
  wallet: '지갑',
  createWallet: '지갑 만들기',
  importKey: '키 가져오기',
  secretKey: '비밀 키 (16진수 64자)',
  importNote: '키는 브라우저의 라이트 클라이언트로 바로 전달되어 이 지갑이 됩니다. 이 사이트는 키를 보관하지 않습니다.',
  importInvalid: '비밀 키는 정확히 16진수 64자(0–9, a–f)입니다.',
  importSubmit: '이 키 사용',
  balance: '잔액',
  insufficient: (need) => `잔액이 부족합니다: 이 주문에는 ${need}이(가) 필요합니다.`,
  tokenPriced: (symbol) => `생산자 자체 토큰 ${symbol}(으)로 가격이 책정되었습니다: ${symbol} 지갑으로 결제하세요 (이 플레이어는 DPN 결제만 지원).`,
  noWallet: '결제하려면 지갑이 필요합니다. 지갑은 브라우저 안에서 만들어지며 키는 밖으로 나가지 않습니다.',
  failed: (r) => `결제가 완료되지 않았습니다: ${r}`,
  pendingTitle: '결제를 보냈습니다 — 아직 확인되지 않음',
  pendingNote: '아직 이 결제를 보여 주는 검증된 블록이 없습니다. 브라우저의 라이트 클라이언트가 계속 확인하며, 체인이 증명하는 즉시(또는 처리되지 않았음을 증명하는 즉시) 여기에 주문을 표시합니다. 다시 결제하지 마세요.',
  relaySays: (w) => `릴레이의 말: ${w}. 릴레이의 주장일 뿐이며, 판단은 체인이 합니다.`,
  relayRefused: (c) => `거부됨 (${c})`,
  relayInBlock: (h) => `블록 ${h}에 포함됨`,
  earlierPending: '이 지갑에서 이 상품을 주문한 이전 결제가 아직 확인 중입니다. 증명되기 전에 다시 결제하면 두 번 주문될 수 있습니다.',
  notPlaced: '체인에서 증명됨: 이 결제는 처리되지 않았습니다(다른 거래가 그 자리를 사용했습니다). 이 결제로 청구된 금액은 없습니다.',
  trackingPaused: (r) => `추적 일시 중지 — 최신 상태를 검증할 수 없습니다: ${r}. 표시된 내용은 마지막으로 검증된 상태이며, 검증된 데이터가 제공되면 다시 시작됩니다.`,
  state: (s) => STATES_KO[s] ?? s,
  status: { active: '진행 중', settled: '정산 완료', refunded: '환불됨' },
  tag: (t) => TAGS_KO[t] ?? t,
  metadataMismatch: '상품 설명이 체인에 기록된 지문과 일치하지 않습니다',
  hostTookOver: '이 사이트가 구매를 직접 처리합니다. 서명된 것은 없습니다',
  payInWallet: '내 DIPNET 지갑으로 결제',
  walletWindowNote: '지갑은 별도의 창에서 열립니다. 키는 이 사이트에 전달되지 않으며, 여기서 직접 누른 클릭만 결제를 시작할 수 있습니다.',
  notSigned: (r) => `서명된 것은 없습니다: ${r}`,
  days: (n) => `${n}일`,
  hours: (n) => `${n}시간`,
  minutes: (n) => `${n}분`,
};


const STATES_ZH: Record<string, string> = {
  sourcing: '采购部件中', producing: '生产中', ready: '已就绪', delivered: '已送达', bidding: '招标中', awarded: '已中标',
  supplied: '已供货', ordered: '已下单', booked: '已预订', inTransit: '运输中', waiting: '等待中', passed: '已通过', rejected: '未通过',
  awaiting: '等待保证金', active: '有效', settled: '已结算', refunded: '已退款',
};
const TAGS_ZH: Record<string, string> = { part: '部件', supplier: '供应商', ship: '物流', inspect: '检验', guarantee: '担保' };

export const zh: Messages = {
  ...elementZH,
  close: '关闭',
  syncing: (h, t) => `正在验证区块链… 区块 ${h} / ${t}`,
  connecting: '正在连接网络…',
  verifying: '正在链上验证商品…',
  stale: (h, a) => `最后验证的区块为 ${h}，${a} —— 网络可能无法连接或隐藏了更新的区块。购买将等待新的区块得到验证。`,
  verifiedTitle: '价格和供货情况已由您浏览器中的轻客户端通过验证者签名和默克尔证明核实。',
  unverifiable: (r) => `无法验证此商品，因此不显示任何信息：${r}`,
  sourceFaulty: (s, r, t) => `不受信任：${s} 提供的数据未通过验证（${r}）；${t} 秒后再试。`,
  sourceUnavailable: (s, r, t) => `无法连接或时间超前：${s}（${r}）；${t} 秒后再试。`,
  tryAgain: '重试',
  producer: '生产者',
  price: '价格',
  leadTime: '制作周期',
  available: '可下单',
  notAvailable: '暂不接单',
  buy: '购买',
  quantity: '数量',
  shippingTitle: '收货信息',
  shippingNote: '您的收货信息不会上链。链上只记录加盐哈希（指纹），信息由本网站转交给生产者。',
  name: '姓名',
  address: '地址',
  postcode: '邮编',
  country: '国家',
  email: '电子邮箱',
  next: '核对订单',
  back: '返回',
  confirmTitle: '确认并签名',
  confirmOrder: (p, q) => `订购 ${q} × ${p}`,
  total: '最多支付',
  priceLine: '价格',
  designerFee: '合约设计者费用',
  networkFee: '网络费用（上限；未用的燃料会退还）',
  shippingFingerprint: '收货信息指纹',
  fromWallet: '付款钱包',
  pay: '签名并支付',
  paying: '支付中…',
  stage: { signing: '在浏览器中签名', submitted: '已发送到网络', included: '已打包进区块', verified: '已验证' },
  orderPlaced: '订单已提交，生产已开始。',
  orderId: '订单',
  tracking: '生产进度',
  wallet: '钱包',
  createWallet: '创建钱包',
  importKey: '导入私钥',
  secretKey: '私钥（64 位十六进制）',
  importNote: '私钥直接交给您浏览器中的轻客户端，成为此钱包。本网站不会保存它。',
  importInvalid: '私钥必须正好是 64 位十六进制字符（0–9、a–f）。',
  importSubmit: '使用此私钥',
  balance: '余额',
  insufficient: (need) => `余额不足：此订单需要 ${need}。`,
  tokenPriced: (symbol) => `以生产者自有代币 ${symbol} 计价：请使用 ${symbol} 钱包支付（本播放器仅支持 DPN 支付）。`,
  noWallet: '支付需要钱包。钱包在您的浏览器中创建，私钥不会离开浏览器。',
  failed: (r) => `支付未完成：${r}`,
  pendingTitle: '付款已发送 —— 尚未确认',
  pendingNote: '还没有经过验证的区块显示这笔付款。浏览器中的轻客户端会继续检查，一旦链上证明（或证明它没有成功），就会在这里显示订单。请勿再次付款。',
  relaySays: (w) => `中继称：${w}。这只是它的说法，以链为准。`,
  relayRefused: (c) => `已拒绝（${c}）`,
  relayInBlock: (h) => `已在区块 ${h} 中`,
  earlierPending: '此钱包之前对该商品的订单仍在确认中。在其得到证明之前再次付款可能会重复下单。',
  notPlaced: '链上已证明：这笔付款没有成功（它的位置被另一笔交易占用），没有为此扣款。',
  trackingPaused: (r) => `跟踪已暂停 —— 无法验证最新状态：${r}。当前显示的是最后验证的状态；来源提供经过验证的数据后将恢复。`,
  state: (s) => STATES_ZH[s] ?? s,
  status: { active: '进行中', settled: '已结算', refunded: '已退款' },
  tag: (t) => TAGS_ZH[t] ?? t,
  metadataMismatch: '商品描述与链上指纹不符',
  hostTookOver: '本网站自行处理此次购买；未签名任何内容',
  payInWallet: '用我的 DIPNET 钱包支付',
  walletWindowNote: '钱包在单独的窗口中打开。私钥不会到达本网站，只有您在这里的点击才能发起支付。',
  notSigned: (r) => `未签名任何内容：${r}`,
  days: (n) => `${n} 天`,
  hours: (n) => `${n} 小时`,
  minutes: (n) => `${n} 分钟`,
};

/** Messages for a BCP 47 locale: exact, then language, then English. */
export const messagesFor = (locale: string | null | undefined): Messages => localeOf({ en, ko, zh }, locale);
