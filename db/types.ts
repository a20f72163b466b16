// One interface per table. int8 columns arrive as numbers (parsed and range-checked in db/client.ts).
import type { ColumnType, Generated } from "kysely";

export type Currency = "KRW" | "USD";
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface UsersTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  display_name: string;
  role: Generated<"fan" | "admin">;
  created_at: Timestamp;
  /** Encrypted (app/utils/secret-box.server.ts) base32 TOTP secret once two-factor is on. */
  totp_secret: string | null;
  /** Encrypted secret shown during enrolment, until the first code confirms it. */
  totp_pending_secret: string | null;
  totp_enabled_at: Date | null;
  totp_last_step: number | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  created_at: Timestamp;
  last_used_at: Date | null;
  revoked_at: Date | null;
  second_factor: Generated<boolean>;
  /** Personal tokens only; sign-in tokens have none. */
  name: string | null;
  /** null: every scope (a sign-in token); else a subset of read, tips. */
  scopes: ApiScope[] | null;
}

export type ApiScope = "read" | "tips";

export type CreatorCategory = "music" | "art" | "writing" | "webtoon" | "streaming" | "busking";

export interface CreatorsTable {
  id: Generated<number>;
  user_id: number;
  handle: string;
  display_name: string;
  bio: Generated<string>;
  avatar_url: string | null;
  category: Generated<CreatorCategory>;
  currency: Currency;
  goal_title: string | null;
  goal_amount: number | null;
  payout_schedule: Generated<"weekly" | "monthly">;
  payout_minimum: number;
  created_at: Timestamp;
  tax_status: Generated<TaxStatus>;
}

/** Korean tax status: an individual's KRW payouts have 3.3 % withheld; a business files its own taxes. */
export type TaxStatus = "individual" | "business";

export interface PostsTable {
  id: Generated<number>;
  creator_id: number;
  slug: string;
  kind: "article" | "webtoon" | "episode";
  title: string;
  preview: Generated<string>;
  body: Generated<string>;
  price: number;
  currency: Currency;
  published_at: Timestamp;
}

export type AccountPurpose = "wallet" | "pending" | "available" | "in_transit" | "fees" | "tips_in_flight" | "clearing" | "losses" | "tax_payable";

export interface AccountsTable {
  id: Generated<number>;
  code: string;
  owner_type: "fan" | "creator" | "platform" | "provider";
  owner_id: number | null;
  purpose: AccountPurpose;
  currency: Currency;
  balance: Generated<number>;
  caches_balance: boolean;
  allow_negative: Generated<boolean>;
  created_at: Timestamp;
}

export type LedgerKind =
  | "topup"
  | "tip"
  | "settlement"
  | "release"
  | "payout"
  | "payout_paid"
  | "payout_reversal"
  | "refund"
  | "payout_withholding"
  /** A won chargeback: the opposite of the reversal its dispute posted. */
  | "dispute_won";

export interface LedgerTransactionsTable {
  id: Generated<number>;
  key: string;
  kind: LedgerKind;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  transaction_id: number;
  account_id: number;
  currency: Currency;
  amount: number;
}

export interface PaymentsTable {
  id: Generated<string>;
  provider: string;
  provider_payment_id: string | null;
  purpose: "topup" | "tip";
  user_id: number | null;
  creator_id: number | null;
  amount: number;
  currency: Currency;
  status: Generated<"pending" | "succeeded" | "failed" | "refunded">;
  failure_code: string | null;
  details: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SettlementsTable {
  id: Generated<number>;
  creator_id: number;
  currency: Currency;
  gross: number;
  fee: number;
  net: number;
  tip_count: number;
  created_at: Timestamp;
  released_at: Date | null;
  /** The payout covering this settlement once released (none again when that payout failed or was reversed). */
  payout_id: string | null;
  /** What refunds of its tips took back: gross, and the fee share of it (proportional, exact once all is refunded). */
  refunded_gross: Generated<number>;
  refunded_fee: Generated<number>;
}

/** held: stopped by a fraud rule; settlement skips it until an admin approves (→ pending) or refunds it. */
export type TipStatus = "pending" | "held" | "settled" | "refunded";

export interface TipsTable {
  id: string;
  fan_id: number | null;
  creator_id: number;
  amount: number;
  currency: Currency;
  message: string | null;
  anonymous: Generated<boolean>;
  source: "wallet" | "card";
  payment_id: string | null;
  status: Generated<TipStatus>;
  settlement_id: number | null;
  created_at: Timestamp;
  settled_at: Date | null;
  refunded_at: Date | null;
  purpose: Generated<"tip" | "unlock" | "pledge">;
  post_id: number | null;
  /** Given back so far (partial refunds); equals amount exactly when the status is refunded. */
  refunded_amount: Generated<number>;
}

/** reversed: paid, then the provider reversed the transfer (the money went back to available). */
export type PayoutStatus = "processing" | "paid" | "failed" | "reversed";

export interface PayoutsTable {
  id: Generated<string>;
  creator_id: number;
  currency: Currency;
  amount: number;
  period: string;
  status: Generated<PayoutStatus>;
  provider_transfer_id: string | null;
  failure_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  paid_at: Date | null;
  withholding_income_tax: Generated<number>;
  withholding_local_tax: Generated<number>;
}

export type PayoutEventStatus = "scheduled" | "processing" | "paid" | "failed" | "reversed";

export interface PayoutEventsTable {
  id: Generated<number>;
  payout_id: string;
  status: PayoutEventStatus;
  at: Timestamp;
  note: string | null;
}

export interface AdminAlertsTable {
  id: Generated<number>;
  key: string;
  kind: string;
  message: string;
  details: Json<Record<string, unknown>>;
  created_at: Timestamp;
  resolved_at: Date | null;
}

export type SpendingCapPeriod = "day" | "month";

export interface SpendingCapsTable {
  fan_id: number;
  currency: Currency;
  period: SpendingCapPeriod;
  amount: number | null;
  pending_amount: number | null;
  pending_from: Date | null;
  updated_at: Timestamp;
}

export interface WebhookEndpointsTable {
  id: Generated<string>;
  creator_id: number;
  url: string;
  events: string[];
  secret_ciphertext: string;
  created_at: Timestamp;
  secret_rotated_at: Date | null;
  deleted_at: Date | null;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: Generated<"pending" | "succeeded" | "failed">;
  attempts: Generated<number>;
  generation: Generated<number>;
  created_at: Timestamp;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempted_at: Timestamp;
  status_code: number | null;
  error: string | null;
  response_snippet: string | null;
  duration_ms: number;
}

export interface IdempotencyKeysTable {
  user_id: number;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: string | null;
  created_at: Timestamp;
}

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  payload: Json<Record<string, unknown>>;
  created_at: Timestamp;
  published_at: Date | null;
}

export interface CreatorOverlaysTable {
  creator_id: number;
  secret: string;
  min_amount: Generated<number>;
  blocked_words: Generated<string[]>;
  rotated_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface TestmodeChargesTable {
  id: string;
  idempotency_key: string;
  amount: number;
  currency: Currency;
  card_last4: string;
  status: "succeeded" | "failed";
  decline_code: string | null;
  refunded_amount: Generated<number>;
  created_at: Timestamp;
}

export interface TestmodeRefundsTable {
  id: string;
  idempotency_key: string;
  charge_id: string;
  amount: number;
  created_at: Timestamp;
}

export interface TestmodeTransfersTable {
  id: string;
  idempotency_key: string;
  amount: number;
  currency: Currency;
  destination: string;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: Date;
  second_factor: Generated<boolean>;
}

export interface UnlocksTable {
  fan_id: number;
  post_id: number;
  tip_id: string;
  created_at: Timestamp;
}

export interface PledgesTable {
  id: Generated<number>;
  fan_id: number;
  creator_id: number;
  amount: number;
  currency: Currency;
  status: Generated<"active" | "cancelled">;
  created_at: Timestamp;
  cancelled_at: Date | null;
}

export interface PledgeChargesTable {
  pledge_id: number;
  month: string;
  status: "paid" | "insufficient_funds" | "spending_cap_reached";
  tip_id: string | null;
  created_at: Timestamp;
}

export interface LedgerBlocksTable {
  height: number;
  prev_hash: string;
  merkle_root: string;
  transaction_count: number;
  sealed_at: Date;
  hash: string;
  signature: string;
  key_id: string;
}

export interface LedgerBlockTransactionsTable {
  transaction_id: number;
  block_height: number;
  position: number;
  public_id: string;
}

export interface LedgerUnsealedTable {
  transaction_id: number;
}

export interface ProviderEventsTable {
  id: string;
  provider: Generated<string>;
  type: string;
  account: string | null;
  livemode: boolean;
  payload: Json<Record<string, unknown>>;
  event_created_at: ColumnType<Date, Date | string, Date | string>;
  received_at: Timestamp;
  processed_at: Date | null;
  outcome: string | null;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  error: string | null;
}

export interface ConnectAccountsTable {
  creator_id: number;
  stripe_account_id: string;
  country: string;
  charges_enabled: Generated<boolean>;
  payouts_enabled: Generated<boolean>;
  transfers_active: Generated<boolean>;
  details_submitted: Generated<boolean>;
  requirements_due: Json<string[]>;
  status_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DisputesTable {
  id: string;
  payment_id: string;
  amount: number;
  currency: Currency;
  reason: string | null;
  status: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Date | null;
  /** Key of the ledger transaction that reversed the tip for this dispute; null when it debited nothing. */
  reversal_key: string | null;
  /** When a won dispute gave back what it took (once). */
  recredited_at: Date | null;
}

export interface CreatorNoticesTable {
  id: Generated<number>;
  creator_id: number;
  key: string;
  kind: string;
  message: string;
  created_at: Timestamp;
  read_at: Date | null;
}

export type RiskAction = "wallet_tip" | "card_tip" | "topup";
export type RiskOutcome = "allow" | "hold" | "block";

export interface RiskDecisionsTable {
  id: Generated<number>;
  action: RiskAction;
  outcome: RiskOutcome;
  reasons: Json<string[]>;
  user_id: number | null;
  creator_id: number | null;
  ip: string | null;
  card_fingerprint: string | null;
  amount: number;
  currency: Currency;
  tip_id: string | null;
  payment_id: string | null;
  created_at: Timestamp;
}

export interface AdminActionsTable {
  id: Generated<number>;
  admin_id: number;
  action: "approve_tip" | "refund_tip";
  tip_id: string | null;
  amount: number | null;
  currency: Currency | null;
  outcome: string;
  created_at: Timestamp;
}

export interface PasswordResetsTable {
  id: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: Date;
  used_at: Date | null;
}

export interface RecoveryCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  created_at: Timestamp;
  used_at: Date | null;
}

export interface DevMailTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  body: string;
  created_at: Timestamp;
}

export interface Database {
  risk_decisions: RiskDecisionsTable;
  admin_actions: AdminActionsTable;
  password_resets: PasswordResetsTable;
  recovery_codes: RecoveryCodesTable;
  dev_mail: DevMailTable;
  spending_caps: SpendingCapsTable;
  payout_events: PayoutEventsTable;
  admin_alerts: AdminAlertsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  provider_events: ProviderEventsTable;
  connect_accounts: ConnectAccountsTable;
  disputes: DisputesTable;
  creator_notices: CreatorNoticesTable;
  ledger_blocks: LedgerBlocksTable;
  ledger_block_transactions: LedgerBlockTransactionsTable;
  ledger_unsealed: LedgerUnsealedTable;
  sessions: SessionsTable;
  unlocks: UnlocksTable;
  pledges: PledgesTable;
  pledge_charges: PledgeChargesTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  creators: CreatorsTable;
  posts: PostsTable;
  accounts: AccountsTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: LedgerEntriesTable;
  payments: PaymentsTable;
  settlements: SettlementsTable;
  tips: TipsTable;
  payouts: PayoutsTable;
  idempotency_keys: IdempotencyKeysTable;
  outbox: OutboxTable;
  creator_overlays: CreatorOverlaysTable;
  testmode_charges: TestmodeChargesTable;
  testmode_refunds: TestmodeRefundsTable;
  testmode_transfers: TestmodeTransfersTable;
}
