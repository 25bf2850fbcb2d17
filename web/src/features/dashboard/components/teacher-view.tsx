import { Card } from '@/components/ui';

const CLASSES = [
  { name: 'Algebra I', students: 28, toGrade: 6 },
  { name: 'Geometry', students: 24, toGrade: 2 },
];

export function TeacherView() {
  return (
    <Card className="role-view role-view--teacher" aria-labelledby="teacher-heading">
      <p className="role-view__badge">Teacher</p>
      <h2 id="teacher-heading">Teacher view</h2>
      <p>You have the teacher role: you can manage classes and grade work.</p>
      <ul className="role-view__list">
        {CLASSES.map((c) => (
          <li key={c.name}>
            <span className="role-view__item-title">{c.name}</span>
            <span className="role-view__item-meta">
              {c.students} students · {c.toGrade} to grade
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
