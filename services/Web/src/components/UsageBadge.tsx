import type { Me } from '../api/types';

/** Usage and limits from /auth/me, in words a fan understands. */
export function UsageBadge({ me }: { me: Me }) {
  const { usage } = me;
  const hourLeft = Math.max(0, usage.hourly_limit - usage.requests_this_hour);
  const month = usage.monthly_quota === null ? 'unlimited this month' : `${usage.messages_this_month} of ${usage.monthly_quota} this month`;
  return (
    <span className="usage" title={`${me.email} · ${me.role} · ${me.tier}`}>
      <span className="tier">{me.tier}</span> {hourLeft} of {usage.hourly_limit} chats left this hour · {month}
    </span>
  );
}
