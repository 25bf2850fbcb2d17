import { Card } from '@/components/ui';

const ASSIGNMENTS = [
  { name: 'Linear equations worksheet', due: 'Due Friday' },
  { name: 'Triangle proofs', due: 'Due next week' },
];

export function StudentView() {
  return (
    <Card className="role-view role-view--student" aria-labelledby="student-heading">
      <p className="role-view__badge">Student</p>
      <h2 id="student-heading">Student view</h2>
      <p>You have the student role: you can see your courses and assignments.</p>
      <ul className="role-view__list">
        {ASSIGNMENTS.map((a) => (
          <li key={a.name}>
            <span className="role-view__item-title">{a.name}</span>
            <span className="role-view__item-meta">{a.due}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
