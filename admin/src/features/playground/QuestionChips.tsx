/** Questions the admin can ask with one click each: examples to start with, or follow-ups. */
export function QuestionChips({
  questions,
  onAsk,
}: {
  questions: readonly string[];
  onAsk: (question: string) => void;
}) {
  return (
    <ul className="chips">
      {questions.map((question) => (
        <li key={question}>
          <button type="button" className="chip" onClick={() => onAsk(question)}>
            {question}
          </button>
        </li>
      ))}
    </ul>
  );
}
