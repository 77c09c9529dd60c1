import { Decider } from '../../shared/decider';
import { LicenseCommand } from './commands';
import { decideGrant } from './decide-grant';
import { decideTerminate, decidePayment } from './decide-lifecycle';
import { decideCloseYear, decideMilestone } from './decide-obligations';
import { decideRestate, decideSubmit } from './decide-reports';
import { LicenseEvent } from './events';
import { evolveLicense, initialLicenseState, LicenseState } from './state';

/** The license stream (`license-{id}`): terms, reports, assessments, payments, termination. */
export const licenseDecider: Decider<LicenseCommand, LicenseEvent, LicenseState> = {
  initialState: initialLicenseState,

  decide(command, state) {
    switch (command.type) {
      case 'GrantLicense':
        return decideGrant(command.data, state);
      case 'SubmitSalesReport':
        return decideSubmit(command.data, state);
      case 'RestateSalesReport':
        return decideRestate(command.data, state);
      case 'AchieveMilestone':
        return decideMilestone(command.data, state);
      case 'CloseRoyaltyYear':
        return decideCloseYear(command.data, state);
      case 'RecordPayment':
        return decidePayment(command.data, state);
      case 'TerminateLicense':
        return decideTerminate(command.data, state);
    }
  },

  evolve: evolveLicense,
};
