import { useId } from 'react';
import { plural, shortDay } from '../api/format';
import type { DailyCounts } from '../api/types';
import { useElementWidth } from '../hooks/use-element-width';

const HEIGHT = 220;
const MARGIN = { top: 20, right: 8, bottom: 28, left: 34 };

/** A round upper bound for the y axis: at least 4, then 5, 10, 20, 25, 50, 100… */
export function axisMax(max: number): number {
  if (max <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (max <= step * magnitude) return step * magnitude;
  }
  return 10 * magnitude;
}

/**
 * Sign-ins per day as an SVG bar chart: one bar a day, the last one (today,
 * in UTC as the server counts) highlighted. Screen readers get a table.
 */
export function SigninsChart({ days }: { days: DailyCounts['days'] }) {
  const { ref, width } = useElementWidth<HTMLDivElement>(640);
  const id = useId();
  const n = days.length;
  const counts = days.map((d) => d.count);
  const total = counts.reduce((a, b) => a + b, 0);
  const today = counts[n - 1] ?? 0;
  const top = axisMax(Math.max(0, ...counts));

  const innerW = Math.max(0, width - MARGIN.left - MARGIN.right);
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = n > 0 ? innerW / n : 0;
  const barW = Math.max(2, slot * 0.68);
  const y = (v: number) => MARGIN.top + innerH - (v / top) * innerH;
  const ticks = [0, top / 2, top];
  // Label every 7th day counting back from today (so today always has one), or
  // every 14th where a week is too narrow for a date.
  const step = slot * 7 < 64 ? 14 : 7;
  const labelled = (i: number) => (n - 1 - i) % step === 0;
  const label = (i: number) => (i === n - 1 ? 'Today' : shortDay(days[i]!.day));

  return (
    <div className="chart" ref={ref}>
      <svg
        className="chart__svg"
        width={width}
        height={HEIGHT}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
      >
        <title id={`${id}-title`}>Sign-ins per day, last {n} days</title>
        <desc id={`${id}-desc`}>
          {plural(total, 'sign-in')} in {n} days, {today} today.
        </desc>
        {ticks.map((t) => (
          <g key={t} className="chart__tick">
            <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} />
            <text x={MARGIN.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
              {Number.isInteger(t) ? t : t.toFixed(1)}
            </text>
          </g>
        ))}
        {days.map((d, i) => {
          const x = MARGIN.left + i * slot + (slot - barW) / 2;
          const isToday = i === n - 1;
          const h = y(0) - y(d.count);
          return (
            <g
              key={d.day}
              className={isToday ? 'chart__day chart__day--today' : 'chart__day'}
            >
              <title>{`${label(i)}: ${plural(d.count, 'sign-in')}`}</title>
              {/* A full-height hit area makes small bars easy to hover. */}
              <rect
                className="chart__hit"
                x={MARGIN.left + i * slot}
                y={MARGIN.top}
                width={slot}
                height={innerH}
              />
              {d.count > 0 ? (
                <rect
                  className="chart__bar"
                  x={x}
                  y={y(d.count)}
                  width={barW}
                  height={h}
                  rx={2}
                />
              ) : (
                // Days without sign-ins keep a stub on the baseline.
                <rect
                  className="chart__bar chart__bar--zero"
                  x={x}
                  y={y(0) - 2}
                  width={barW}
                  height={2}
                />
              )}
              {labelled(i) && (
                <text
                  className="chart__label"
                  x={x + barW / 2}
                  y={HEIGHT - MARGIN.bottom + 18}
                  textAnchor={isToday ? 'end' : 'middle'}
                  dx={isToday ? barW / 2 : 0}
                >
                  {label(i)}
                </text>
              )}
              {isToday && (
                <text
                  className="chart__value"
                  x={x + barW / 2}
                  y={y(d.count) - 6}
                  textAnchor="middle"
                >
                  {d.count}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <table className="visually-hidden">
        <caption>Sign-ins per day</caption>
        <thead>
          <tr>
            <th scope="col">Day (UTC)</th>
            <th scope="col">Sign-ins</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d, i) => (
            <tr key={d.day}>
              <th scope="row">{label(i)}</th>
              <td>{d.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
