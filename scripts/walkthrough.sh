#!/usr/bin/env bash
# The README's walk-through: the path a real claim takes on a started system (`npm start`), through the public API.
#
#   an eligible seeded person (simulators' admin API) → the claim through the online service platform (Art. 35)
#   → accepted → determined: the verdict and its review route (Art. 11 免复审 with its rule, or the review tasks,
#   each completed by a different clerk: 岗位不相容) → approved, the approval SMS (Art. 38) → the benefit period
#   (Art. 39, 44) → the pay day: a finance clerk starts the city's payment run now (Art. 39, 63) → the payment at the
#   bank simulator and the SMS outbox.
#
# Each step prints one line; a failed request or a case that goes another way stops the script with a non-zero exit
# naming the step. Run it again as often as you like: it reuses the accounts (a new token each run) and files for a
# seeded person who has no case yet.
#
#   API       the API                  (default http://127.0.0.1:3000)
#   SIM       the simulators           (default http://127.0.0.1:4010)
#   DATA_DIR  the start command's data (default .data; the administrator's password is in admin-password.txt)
#   ADMIN_PASSWORD                     (default: read from DATA_DIR)
#   CITY      the paying city agency   (default 210100, 沈阳市)
#   MIN_PAID_MONTHS  the applicant's contribution months at least (default 120: ten years give 24 months of benefit,
#             a large payment reviewed on three levels, Art. 65; 12 finds anyone, most decided without review, Art. 11)
#   WAIT      seconds to wait for each step of the case (default 120)
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true # bash 4.4+: a failed request inside $(...) stops the script too

API=${API:-http://127.0.0.1:3000}
SIM=${SIM:-http://127.0.0.1:4010}
DATA_DIR=${DATA_DIR:-.data}
CITY=${CITY:-210100}
WAIT=${WAIT:-120}
MIN_PAID_MONTHS=${MIN_PAID_MONTHS:-120}
STEP=start

fail() {
  echo "✗ [$STEP] $*" >&2
  exit 1
}
say() { echo "✓ [$STEP] $*"; }

# call METHOD URL [TOKEN] [BODY] [EXTRA_HEADER]: the answer's body; stops the script naming the step on any 4xx/5xx.
call() {
  local method=$1 url=$2 token=${3:-} body=${4:-} extra=${5:-}
  local args=(-sS --fail-with-body -X "$method" "$url")
  [[ -n $token ]] && args+=(-H "authorization: Bearer $token")
  [[ -n $body ]] && args+=(-H 'content-type: application/json' --data "$body")
  [[ -n $extra ]] && args+=(-H "$extra")
  local out
  out=$(curl "${args[@]}" 2>&1) || fail "$method $url failed: $out"
  printf '%s' "$out"
}

# js EXPRESSION [ARGS...]: evaluates EXPRESSION with `d` the JSON read from stdin and `a` the arguments (node, since
# jq may be missing); prints strings as they are, anything else as JSON, nothing for undefined or null.
js() {
  local expr=$1
  shift
  node -e '
    const text = require("fs").readFileSync(0, "utf8");
    if (!text) process.exit(1); // the request before it failed, and said so
    const d = JSON.parse(text);
    const a = process.argv.slice(1);
    const yuan = (fen) => (fen / 100).toFixed(2);
    const r = ('"$expr"');
    if (r !== undefined && r !== null) process.stdout.write(typeof r === "string" ? r : JSON.stringify(r));
  ' "$@"
}

# until_case CASE EXPRESSION WHAT: polls the case (as $ADMIN) until EXPRESSION holds for it; prints the case.
until_case() {
  local caseNumber=$1 expr=$2 what=$3 view=''
  for ((i = 0; i < WAIT * 2; i++)); do
    view=$(call GET "$API/cases/$caseNumber" "$ADMIN")
    [[ $(printf '%s' "$view" | js "($expr) ? 'yes' : 'no'") == yes ]] && {
      printf '%s' "$view"
      return
    }
    sleep 0.5
  done
  fail "$caseNumber: $what not reached in ${WAIT}s; status $(printf '%s' "$view" | js 'd.status'), events: $(printf '%s' "$view" | js 'd.events.map((e) => e.type).join(" ")')"
}

# until_found WHAT COMMAND [ARGS...]: runs COMMAND every half second until it prints something, and prints that.
until_found() {
  local what=$1 out=''
  shift
  for ((i = 0; i < WAIT * 2; i++)); do
    out=$("$@")
    [[ -n $out ]] && {
      printf '%s' "$out"
      return
    }
    sleep 0.5
  done
  fail "$what: not there after ${WAIT}s"
}

# open_task TOKEN TYPE: the ID of $CASE's open task of TYPE that the clerk may take (view=available), if any.
open_task() {
  call GET "$API/tasks?view=available&type=$2&limit=200" "$1" | js 'd.items.find((t) => t.caseNumber === a[0])?.id' "$CASE"
}

# completed_run RUN_ID: the payment run's totals once it has completed.
completed_run() {
  call GET "$API/finance/payment-runs?agencyCode=$CITY&month=$month" "$FINANCE" |
    js 'JSON.stringify(d.items.find((r) => r.runId === a[0] && r.status === "completed"))' "$1"
}

# account USERNAME DISPLAY_NAME AGENCY ROLE: the user's ID, created if missing (a random password: it signs in by token).
account() {
  local username=$1 display=$2 agency=$3 role=$4 id
  id=$(call GET "$API/admin/users" "$ADMIN" | js 'd.users.find((u) => u.username === a[0])?.id' "$username")
  if [[ -z $id ]]; then
    local body
    body=$(echo '{}' | js 'JSON.stringify({ username: a[0], displayName: a[1], agencyCode: a[2], roles: [a[3]],
      password: require("crypto").randomBytes(18).toString("base64url") })' "$username" "$display" "$agency" "$role")
    id=$(call POST "$API/admin/users" "$ADMIN" "$body" | js 'd.id')
    echo "  created $username ($display, $role, $agency)" >&2
  else
    echo "  reusing $username ($display, $role, $agency)" >&2
  fi
  printf '%s' "$id"
}

# token USERNAME DISPLAY_NAME AGENCY ROLE: a bearer token for the account (made if missing), valid for a day.
token() {
  local id
  id=$(account "$@")
  call POST "$API/admin/users/$id/tokens" "$ADMIN" '{"days":1,"reason":"walk-through (scripts/walkthrough.sh)"}' | js 'd.token'
}

STEP='1 sign in'
password=${ADMIN_PASSWORD:-}
if [[ -z $password ]]; then
  [[ -r $DATA_DIR/admin-password.txt ]] || fail "no ADMIN_PASSWORD and no $DATA_DIR/admin-password.txt (set DATA_DIR)"
  password=$(tr -d '\n' <"$DATA_DIR/admin-password.txt")
fi
ADMIN=$(call POST "$API/auth/login" '' "$(echo '{}' | js 'JSON.stringify({ username: "admin", password: a[0], mode: "bearer" })' "$password")" | js 'd.token')
say "signed in as admin at $API"

STEP='2 accounts'
APP=$(token gov-app 网上服务平台 210000 online_channel)
REVIEWER=$(token "walk-reviewer-$CITY" 初审员 "$CITY" reviewer)
SECOND=$(token "walk-second-reviewer-$CITY" 复核员 "$CITY" second_reviewer)
APPROVER=$(token "walk-approver-$CITY" 审批员 "$CITY" approver)
FINANCE=$(token "walk-finance-$CITY" 财务人员 "$CITY" finance)
say "the online service platform gov-app and $CITY's reviewer, second reviewer, approver and finance clerk (each a different person: 岗位不相容), each with a new token"

STEP='3 applicant'
# Seeded people the simulators call eligible, with a clean record and a bank account that pays (simulators/README.md),
# with MIN_PAID_MONTHS paid, whose last employer is in CITY and who have no case yet (searched as the city's reviewer,
# audited: Art. 30).
filter='eligible,!has_arrears,!pensioner,!deceased,!reemployed,!employed,bank_paid'
person='' offset=0
while [[ -z $person ]]; do
  page=$(call GET "$SIM/admin/persons?limit=100&offset=$offset&filter=$filter")
  while IFS= read -r candidate; do
    uscc=$(printf '%s' "$candidate" | js 'd.lastEmployerUscc')
    employer=$(call GET "$SIM/tax/employers/$uscc")
    [[ $(printf '%s' "$employer" | js 'd.agencyDivisionCode.slice(0, 4) + "00"') == "$CITY" ]] || continue
    idNumber=$(printf '%s' "$candidate" | js 'd.idNumber')
    found=$(call POST "$API/cases/search" "$REVIEWER" "{\"idNumber\":\"$idNumber\"}" | js 'd.total')
    [[ $found == 0 ]] || continue
    person=$candidate
    break
  done < <(printf '%s' "$page" | js 'd.items.filter((p) => p.paidMonths >= +a[0]).map((p) => JSON.stringify(p)).join("\n")' "$MIN_PAID_MONTHS")
  offset=$(printf '%s' "$page" | js 'd.nextOffset')
  [[ -n $person || -n $offset ]] || fail "no seeded person with $filter and $MIN_PAID_MONTHS months paid, paid by $CITY, is left without a case"
done
mobile=$(printf '%s' "$person" | js 'd.mobile')
say "$(printf '%s' "$person" | js '`seeded person #${d.index} ${d.name} (${d.idNumber.slice(0, 6)}********${d.idNumber.slice(-4)}), ${d.paidMonths} months paid, separated ${d.separationDate} (${d.separationReason})`'), last employer $(printf '%s' "$employer" | js 'd.name')"

STEP='4 claim'
claim=$(printf '%s' "$person" | js 'JSON.stringify({
  channel: "online",
  applicant: { idType: "resident_id_card", idNumber: d.idNumber, name: d.name, phone: d.mobile },
  employer: { uscc: a[0], name: a[1] },
  separation: { date: d.separationDate, reason: d.separationReason },
  payingLocality: { basis: "last_insured", agencyCode: a[2] },
  payment: { method: "social_security_card", accountNumber: d.bankAccount.accountNumber },
})' "$uscc" "$(printf '%s' "$employer" | js 'd.name')" "$CITY")
filed=$(call POST "$API/claims" "$APP" "$claim" "Idempotency-Key: walk-$idNumber")
CASE=$(printf '%s' "$filed" | js 'd.caseNumber')
say "POST /claims as gov-app (online channel): $CASE, $(printf '%s' "$filed" | js 'd.status')"

STEP='5 acceptance'
view=$(until_case "$CASE" 'd.events.some((e) => ["claim_accepted", "claim_refused"].includes(e.type)) || ["awaiting_materials", "refused"].includes(d.status)' 'acceptance')
[[ $(printf '%s' "$view" | js 'd.events.some((e) => e.type === "claim_accepted") ? "yes" : "no"') == yes ]] ||
  fail "$CASE was not accepted: $(printf '%s' "$view" | js 'd.statusLabel') $(printf '%s' "$view" | js 'JSON.stringify(d.events.at(-1))')"
say "accepted: filed online by the platform that identified the person (Art. 35), so no originals for an intake clerk to check at a window (Art. 14): no acceptance task; status $(printf '%s' "$view" | js 'd.statusLabel')"

STEP='6 determination'
determination=$(call GET "$API/cases/$CASE/determination" "$ADMIN" | js 'JSON.stringify(d.versions.find((v) => v.version === d.current))')
[[ $(printf '%s' "$determination" | js 'd.verdict') == eligible ]] ||
  fail "$CASE: verdict $(printf '%s' "$determination" | js 'd.verdict'): $(printf '%s' "$determination" | js 'JSON.stringify(d.reasons ?? d.openQuestions)')"
say "$(printf '%s' "$determination" | js '`eligible (Art. 34, 38): ${d.contributionMonths} months paid in, ${d.months} months of ${yuan(d.monthlyAmountFen)} 元, ${yuan(d.totalFen)} 元 in all, from ${d.startDate} to ${d.endDate}`')"
steps=$(printf '%s' "$determination" | js 'd.reviewRoute.steps.join(" ")')
STEP='7 review'
if [[ -z $steps ]]; then
  say "no review (Art. 11 免复审): $(printf '%s' "$determination" | js 'd.reviewRoute.rule.text')"
else
  say "review route: $steps — $(printf '%s' "$determination" | js 'd.reviewRoute.rule.text')"
  for step in $steps; do
    case $step in
      review) clerk=$REVIEWER who="walk-reviewer-$CITY" ;;
      second_review) clerk=$SECOND who="walk-second-reviewer-$CITY" ;;
      approve) clerk=$APPROVER who="walk-approver-$CITY" ;;
      *) fail "unknown review step $step" ;;
    esac
    task=$(until_found "$CASE's claim_$step task for $who" open_task "$clerk" "claim_$step")
    call POST "$API/tasks/$task/complete" "$clerk" '{"form":{"decision":"approve","comment":"演示：核对无误"}}' >/dev/null
    say "claim_$step completed by $who: approve"
  done
fi

STEP='8 approval'
view=$(until_case "$CASE" 'd.benefit?.periodDetail || d.status === "refused"' 'approval and the benefit period')
[[ $(printf '%s' "$view" | js 'd.status') != refused ]] || fail "$CASE was refused after review"
say "approved (Art. 38): $(printf '%s' "$view" | js 'd.statusLabel'), the benefit period begun"

STEP='9 benefit period'
say "$(printf '%s' "$view" | js '((p) => `period ${p.periodId}: ${p.startDate} to ${p.endDate}, ${p.months} months of ${yuan(p.monthlyAmountFen)} 元; next pay day ${p.nextPayment?.date ?? "?"} (${yuan(p.nextPayment?.amountFen ?? 0)} 元, the city pays on the 10th: Art. 39, 63)`)(d.benefit.periodDetail)')"

STEP='10 pay day'
month=$(TZ=Asia/Shanghai date +%Y-%m)
until_case "$CASE" "d.payments.some((p) => p.kind === 'unemployment_benefit' && p.month <= '$month')" "the month's payment queued (a period begun on the 1st checks its first month at 09:00 Asia/Shanghai)" >/dev/null
# The city's pay-day loop (payment-cycle-<code>) runs this same payment run on the 10th at 09:00; finance starts one
# now (the ad-hoc run finance uses for re-issues, audited), so the walk-through need not wait for the 10th.
run=$(call POST "$API/finance/payment-runs" "$FINANCE" "{\"agencyCode\":\"$CITY\",\"month\":\"$month\"}" | js 'd.runId')
totals=$(until_found "the end of payment run $run" completed_run "$run")
say "$(printf '%s' "$totals" | js '`payment run ${d.runId} for ${d.month} by walk-finance-${d.agencyCode}: ${d.items} items, ${d.paid} paid (${yuan(d.paidFen)} 元), ${d.failed} failed`')"

STEP='11 bank'
paid=$(call GET "$SIM/admin/bank/ledger" | js 'd.payments.filter((p) => p.paymentId.startsWith(a[0] + ".P")).map((p) => `${p.paymentId} ${p.result} ${yuan(p.amountFen)} 元`).join("; ")' "$CASE")
[[ $paid == *' paid '* ]] || fail "$CASE: no paid payment at the bank simulator ($SIM/admin/bank/ledger): ${paid:-none}"
say "bank simulator ledger: $paid"

STEP='12 SMS'
sms=$(call GET "$SIM/admin/sms/outbox" | js 'd.messages.filter((m) => m.mobile === a[0]).sort((x, y) => (x.acceptedAt < y.acceptedAt ? -1 : 1)).map((m) => m.text).join("\n    ")' "$mobile")
[[ $sms == *已核定* ]] || fail "no approval SMS to the applicant in $SIM/admin/sms/outbox"
say "SMS to the applicant:"
echo "    $sms"

STEP='13 case'
view=$(until_case "$CASE" 'd.benefit?.periodDetail?.monthsPaid > 0' 'a month counted as paid')
say "$(printf '%s' "$view" | js '`${d.caseNumber}: ${d.statusLabel}, ${d.benefit.periodDetail.monthsPaid} of ${d.benefit.periodDetail.months} months paid`') — $API/app/case?n=$CASE (sign in as admin)"
echo "CASE=$CASE"
