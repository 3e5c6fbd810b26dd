// Words for an interface's hook state and reason (every visible string through t()).
import type { TFunction } from 'i18next';
import type { InterfaceRow } from '../../api/types.ts';

export type LabelColor = 'green' | 'grey' | 'red' | 'orange' | 'blue';

export function hookStateText(t: TFunction, row: InterfaceRow): { text: string; color: LabelColor } {
  switch (row.HookState) {
    case 'hooked':
      return { text: t('Hooked'), color: 'green' };
    case 'attaching':
      return { text: t('Hooking…'), color: 'blue' };
    case 'detaching':
      return { text: t('Unhooking…'), color: 'blue' };
    case 'gone':
      return {
        text:
          row.HookReason === 'namespace_removed'
            ? t('Gone: its namespace went away')
            : t('Gone: deleted or moved to another namespace'),
        color: 'orange',
      };
    case 'unhooked':
      switch (row.HookReason) {
        case 'excluded':
          return { text: t('Not hooked: excluded by name'), color: 'grey' };
        case 'not_selected':
          return { text: t('Not hooked: not in the selected interfaces'), color: 'grey' };
        case 'attach_failed':
          return { text: t('Not hooked: the kernel refused the hook'), color: 'red' };
        case 'namespace_not_ready':
          return { text: t('Not hooked yet: namespace being read'), color: 'blue' };
        default:
          return { text: t('Not hooked'), color: 'grey' };
      }
  }
}
