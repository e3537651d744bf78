/**
 * All activities, built from their dependencies (database, external sources). Workflows import only the type.
 */
import { benefitActivities } from './benefits';
import { calendarActivities, type CalendarActivityDeps } from './calendar';
import { caseActivities, type CaseActivityDeps } from './cases';
import { otherBenefitActivities } from './other-benefits';
import { paymentActivities, type PaymentActivityDeps } from './payments';
import { monthlyCheckActivities } from './monthly-check';
import { periodActivities } from './periods';
import { periodStopActivities } from './period-stops';
import { recoveryActivities } from './recovery';
import { objectionActivities } from './objections';
import { monitoringActivities } from './monitoring';
import { recordingProblems } from './problems';
import { dataCorrectionActivities } from './data-correction';
import { determinationActivities } from './determination';
import { revocationActivities } from './revocation';
import { sourceActivities, type SourceActivityDeps } from './sources';
import { subsidyActivities } from './subsidies';
import { taskActivities } from './tasks';
import { registerActivities } from './register';
import { personActivities } from './persons';
import { separationActivities } from './separations';
import { staffComparisonActivities } from './staff-comparison';
import { recordActivities } from './records';
import { contributionActivities } from './contributions';
import { backPaymentActivities } from './back-payment';
import { taxRegisterActivities } from './tax-register';
import { refundActivities } from './refunds';
import { contributionCorrectionActivities } from './contribution-correction';

export type ActivityDeps = CaseActivityDeps & CalendarActivityDeps & SourceActivityDeps & PaymentActivityDeps;

export function createActivities(deps: ActivityDeps) {
  const benefits = benefitActivities(deps);
  const payments = paymentActivities(deps);
  const recovery = recoveryActivities(deps);
  return recordingProblems(deps.db, {
    ...caseActivities(deps),
    ...calendarActivities(deps),
    ...sourceActivities(deps),
    ...taskActivities(deps),
    ...benefits,
    ...determinationActivities(deps),
    ...payments,
    ...periodActivities({ benefits, payments }),
    ...periodStopActivities(deps),
    ...monthlyCheckActivities({ db: deps.db, sources: deps.sources, benefits, recovery }),
    ...otherBenefitActivities(deps),
    ...recovery,
    ...objectionActivities(deps),
    ...revocationActivities(deps),
    ...monitoringActivities(deps),
    ...dataCorrectionActivities(deps),
    ...subsidyActivities(deps),
    ...registerActivities(deps),
    ...personActivities(deps),
    ...separationActivities(deps),
    ...staffComparisonActivities(deps),
    ...recordActivities(deps),
    ...contributionActivities(deps),
    ...backPaymentActivities(deps),
    ...taxRegisterActivities(deps),
    ...refundActivities(deps),
    ...contributionCorrectionActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
