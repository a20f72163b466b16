// Demo data for `npm start`: creators with Korean and English names, paid posts, fans with wallets and tips.
// Runs once per database (it does nothing when the demo fan exists). Goes through the domain functions, so every
// won in the demo is in the ledger like real money.
import type { DB } from "./client";
import type { CreatorCategory } from "./types";
import { becomeCreator } from "../app/models/creators.server";
import { createUser } from "../app/models/users.server";
import type { Currency } from "../app/money/currency";
import { topUpWallet } from "../app/money/payments.server";
import { TestmodePaymentProvider } from "../app/money/testmode-provider.server";
import { createWalletTip } from "../app/money/tips.server";

export const DEMO_FAN = { email: "fan@sodam.test", password: "sodam-demo-1234", displayName: "다온" };

const CREATORS: {
  handle: string;
  displayName: string;
  avatar: string;
  category: CreatorCategory;
  currency: Currency;
  bio: string;
  goal?: { title: string; amount: number };
  posts: { slug: string; kind: "article" | "webtoon" | "episode"; title: string; preview: string; body: string; price: number }[];
}[] = [
  {
    handle: "haneul",
    displayName: "하늘 Haneul",
    avatar: "haneul",
    category: "music",
    currency: "KRW",
    bio: "홍대에서 노래하는 인디 싱어송라이터. 첫 정규 앨범을 준비하고 있어요.",
    goal: { title: "첫 정규 앨범 녹음비", amount: 3_000_000 },
    posts: [
      { slug: "demo-track-notes", kind: "episode", title: "데모 트랙 작업기", preview: "새 노래 '봄비'의 데모를 만든 이야기.", body: "기타 코드부터 가사까지, 처음 떠오른 멜로디를 공개합니다. 후원해 주셔서 고마워요!", price: 1_000 },
    ],
  },
  {
    handle: "minji",
    displayName: "민지 Minji",
    avatar: "minji",
    category: "art",
    currency: "KRW",
    bio: "수채화로 서울의 골목을 그립니다. Watercolour alleys of Seoul.",
    posts: [
      { slug: "ikseon-dong-sketch", kind: "article", title: "익선동 스케치 과정", preview: "연필 스케치에서 채색까지.", body: "고화질 원본과 팔레트 설명을 함께 담았어요.", price: 2_000 },
    ],
  },
  {
    handle: "jisoo_webtoon",
    displayName: "지수 Jisoo",
    avatar: "jisoo-webtoon",
    category: "webtoon",
    currency: "KRW",
    bio: "주간 웹툰 〈달빛 편의점〉 연재 중. 매주 금요일 업데이트!",
    goal: { title: "태블릿 교체", amount: 1_500_000 },
    posts: [
      { slug: "moonlight-store-ep-12", kind: "webtoon", title: "달빛 편의점 12화", preview: "새벽 세 시, 낯선 손님이 찾아왔다.", body: "12화 전체 컷 (48컷).", price: 300 },
      { slug: "moonlight-store-ep-13", kind: "webtoon", title: "달빛 편의점 13화", preview: "손님의 정체가 드러난다.", body: "13화 전체 컷 (52컷).", price: 300 },
    ],
  },
  {
    handle: "busker_joon",
    displayName: "버스커 준 Joon",
    avatar: "busker-joon",
    category: "busking",
    currency: "KRW",
    bio: "주말 저녁 청계천에서 기타 치는 준입니다. QR로 응원해 주세요!",
    posts: [],
  },
  {
    handle: "lena_writes",
    displayName: "Lena Park",
    avatar: "lena-writes",
    category: "writing",
    currency: "USD",
    bio: "Essays on living between Seoul and Toronto. New piece every other Sunday.",
    posts: [
      { slug: "two-kitchens", kind: "article", title: "Two Kitchens", preview: "My mother's kimchi and my landlord's sourdough.", body: "The full essay, 2,400 words.", price: 200 },
    ],
  },
  {
    handle: "sam_streams",
    displayName: "Sam Lee",
    avatar: "sam-streams",
    category: "streaming",
    currency: "USD",
    bio: "Retro games and late-night chats, live Tue/Thu/Sat.",
    goal: { title: "New microphone", amount: 25_000 },
    posts: [],
  },
  {
    handle: "seoul_beats",
    displayName: "서울비트 Seoul Beats",
    avatar: "seoul-beats",
    category: "music",
    currency: "KRW",
    bio: "로파이 비트 메이커. 공부할 때, 일할 때 들어요.",
    posts: [
      { slug: "lofi-pack-vol-3", kind: "episode", title: "로파이 팩 Vol.3 메이킹", preview: "샘플 고르는 법.", body: "프로젝트 파일 설명과 미공개 트랙 2곡.", price: 1_500 },
    ],
  },
  {
    handle: "ink_and_rain",
    displayName: "잉크와 비 Ink & Rain",
    avatar: "ink-and-rain",
    category: "writing",
    currency: "KRW",
    bio: "비 오는 날 쓰는 짧은 소설. Short fiction for rainy days.",
    posts: [
      { slug: "umbrella-shop", kind: "article", title: "우산 가게", preview: "그 가게는 비가 올 때만 문을 열었다.", body: "단편 전문 (약 6,000자).", price: 500 },
    ],
  },
];

const TIPS: { fan: number; creator: string; amount: number; message?: string; anonymous?: boolean }[] = [
  { fan: 0, creator: "haneul", amount: 5_000, message: "어제 공연 최고였어요! 🎶" },
  { fan: 1, creator: "haneul", amount: 10_000, message: "앨범 꼭 나오길 응원합니다" },
  { fan: 2, creator: "haneul", amount: 1_000, anonymous: true },
  { fan: 0, creator: "jisoo_webtoon", amount: 3_000, message: "12화 반전 대박…" },
  { fan: 1, creator: "jisoo_webtoon", amount: 1_000, message: "매주 금요일만 기다려요" },
  { fan: 2, creator: "minji", amount: 3_000, message: "그림 너무 따뜻해요" },
  { fan: 0, creator: "busker_joon", amount: 1_000, message: "청계천에서 들었어요!" },
  { fan: 1, creator: "seoul_beats", amount: 5_000 },
  { fan: 2, creator: "ink_and_rain", amount: 500, message: "우산 가게 다음 이야기도 궁금해요" },
  { fan: 3, creator: "lena_writes", amount: 300, message: "Two Kitchens made me call my mom." },
  { fan: 3, creator: "sam_streams", amount: 500, message: "GG! Loved the speedrun." },
];

export async function seedDemoData(db: DB) {
  const existing = await db.selectFrom("users").select("id").where("email", "=", DEMO_FAN.email).executeTakeFirst();
  if (existing) return null;
  const provider = new TestmodePaymentProvider(db);

  const fans = [
    await createUser(db, DEMO_FAN),
    await createUser(db, { email: "minho@sodam.test", password: "sodam-demo-1234", displayName: "민호" }),
    await createUser(db, { email: "yuna@sodam.test", password: "sodam-demo-1234", displayName: "유나" }),
    await createUser(db, { email: "alex@sodam.test", password: "sodam-demo-1234", displayName: "Alex" }),
  ];
  for (const [i, fan] of fans.entries()) {
    const currency: Currency = i === 3 ? "USD" : "KRW";
    await db.transaction().execute((trx) =>
      topUpWallet(trx, provider, { userId: fan.id, amount: currency === "KRW" ? 50_000 : 5_000, currency, card: "4242424242424242", providerKey: `seed-topup-${fan.id}` }),
    );
  }

  const creators = new Map<string, Awaited<ReturnType<typeof becomeCreator>>>();
  for (const c of CREATORS) {
    const user = await createUser(db, { email: `${c.handle}@sodam.test`, password: "sodam-demo-1234", displayName: c.displayName });
    const creator = await becomeCreator(db, {
      userId: user.id,
      handle: c.handle,
      displayName: c.displayName,
      currency: c.currency,
      bio: c.bio,
      avatarUrl: `/avatars/${c.avatar}.svg`,
      category: c.category,
      goalTitle: c.goal?.title ?? null,
      goalAmount: c.goal?.amount ?? null,
    });
    creators.set(c.handle, creator);
    for (const post of c.posts) {
      await db.insertInto("posts").values({ creator_id: creator.id, currency: c.currency, ...post }).execute();
    }
  }

  for (const tip of TIPS) {
    const creator = creators.get(tip.creator)!;
    await db.transaction().execute((trx) =>
      createWalletTip(trx, {
        fan: fans[tip.fan],
        creator,
        input: { amount: tip.amount, currency: creator.currency, message: tip.message ?? null, anonymous: tip.anonymous ?? false },
      }),
    );
  }
  return { creators: CREATORS.length, tips: TIPS.length, fanEmail: DEMO_FAN.email, fanPassword: DEMO_FAN.password };
}
