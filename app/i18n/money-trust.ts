// Strings of fans' spending caps, the fee shown before a tip, payout statements and tracking, webhooks and API
// tokens. Every key here needs its English twin (a type error otherwise).
export const moneyTrustKo = {
  // Wallet: spending caps
  "caps.heading": "지출 한도",
  "caps.lead": "하루와 한 달에 지갑에서 나가는 금액(후원, 유료 글, 월 후원)을 제한해요. 한도를 낮추면 바로 적용되고, 높이거나 없애면 24시간 뒤에 적용돼요.",
  "caps.currencyLegend": "{currency} 지갑",
  "caps.daily": "하루 한도",
  "caps.monthly": "한 달 한도",
  "caps.emptyHint": "비워 두면 한도 없음",
  "caps.none": "한도 없음",
  "caps.spentDay": "오늘 {spent} 사용 · 한도 {cap}",
  "caps.spentMonth": "이번 달 {spent} 사용 · 한도 {cap}",
  "caps.pendingRaise": "{amount}(으)로 올리는 변경이 {at}부터 적용돼요.",
  "caps.pendingRemoval": "한도를 없애는 변경이 {at}부터 적용돼요.",
  "caps.save": "한도 저장",
  "caps.saving": "저장 중…",
  "caps.saved": "지출 한도를 저장했어요.",
  "caps.error.amount": "금액을 숫자로 적어 주세요. 한도를 없애려면 비워 두세요.",
  "caps.problem.day": "하루 지출 한도({cap})를 넘게 돼요. 오늘은 {remaining}까지 쓸 수 있어요.",
  "caps.problem.month": "한 달 지출 한도({cap})를 넘게 돼요. 이번 달은 {remaining}까지 쓸 수 있어요.",
  "caps.problem.range": "한도는 {min}부터 {max}까지 정할 수 있어요.",
  "caps.problem.dailyAboveMonthly": "하루 한도는 한 달 한도보다 클 수 없어요.",
  "caps.pledgeCapped": "{month} 지출 한도 때문에 결제 안 됨",
  "caps.link": "지출 한도 설정",

  // Creator page: the fee before a tip is sent
  "tip.fee.line": "소담 수수료 {percent}%는 창작자 몫에서 빠지고, 팬은 고른 금액만 내요.",
  "tip.fee.example": "예: {amount} 후원 → 수수료 {fee}, 창작자 {net}",
  "tip.fee.cardNote": "카드 결제도 같은 금액만 청구돼요. 지갑 후원에는 카드 수수료가 없어요.",
} as const;

export const moneyTrustEn: Record<keyof typeof moneyTrustKo, string> = {
  "caps.heading": "Spending caps",
  "caps.lead": "Limit what leaves your wallet (tips, paid posts, monthly pledges) per day and per month. A lower cap applies at once; a higher one, or none, after 24 hours.",
  "caps.currencyLegend": "{currency} wallet",
  "caps.daily": "Daily cap",
  "caps.monthly": "Monthly cap",
  "caps.emptyHint": "Leave empty for no cap",
  "caps.none": "No cap",
  "caps.spentDay": "Today: {spent} spent · cap {cap}",
  "caps.spentMonth": "This month: {spent} spent · cap {cap}",
  "caps.pendingRaise": "The raise to {amount} applies from {at}.",
  "caps.pendingRemoval": "Removing the cap applies from {at}.",
  "caps.save": "Save caps",
  "caps.saving": "Saving…",
  "caps.saved": "Your spending caps are saved.",
  "caps.error.amount": "Enter the amount as a number, or leave it empty for no cap.",
  "caps.problem.day": "This would take you past your daily spending cap of {cap}. You can spend {remaining} more today.",
  "caps.problem.month": "This would take you past your monthly spending cap of {cap}. You can spend {remaining} more this month.",
  "caps.problem.range": "Caps can be from {min} to {max}.",
  "caps.problem.dailyAboveMonthly": "The daily cap cannot be larger than the monthly cap.",
  "caps.pledgeCapped": "{month} not paid: spending cap reached",
  "caps.link": "Set spending caps",

  "tip.fee.line": "Sodam's {percent}% fee comes out of the creator's share; you pay only the amount you choose.",
  "tip.fee.example": "For example: a {amount} tip → fee {fee}, creator gets {net}",
  "tip.fee.cardNote": "A card is charged the same amount. Wallet tips have no card fee.",
};
