namespace Custos.Cedar.Evaluation;

/// <summary>What went wrong when a policy was evaluated.</summary>
public enum EvaluationErrorKind
{
    TypeError,
    EntityDoesNotExist,
    AttributeDoesNotExist,
    TagDoesNotExist,
    IntegerOverflow,
    ExtensionError,
    WrongNumberOfArguments,
    UnlinkedSlot,
    Other,
}

/// <summary>
/// An error raised while evaluating a policy. It makes the policy erroring (skipped, never
/// granting); other policies are unaffected. Errors are rare, so they are plain objects; the
/// evaluator passes them along as values, never throws them.
/// </summary>
public sealed class EvaluationError(EvaluationErrorKind kind, string message)
{
    public EvaluationErrorKind Kind { get; } = kind;

    public string Message { get; } = message;

    internal static EvaluationError Uninitialized { get; } = new(EvaluationErrorKind.Other, "an uninitialized value was used");

    internal static Value TypeError(string expected, Value actual) =>
        Value.FromError(new EvaluationError(EvaluationErrorKind.TypeError, $"type error: expected {expected}, got {Value.TypeName(actual.Kind)}"));

    internal static Value Overflow(string operation) =>
        Value.FromError(new EvaluationError(EvaluationErrorKind.IntegerOverflow, $"integer overflow in {operation}"));

    internal static Value Extension(string function, string message) =>
        Value.FromError(new EvaluationError(EvaluationErrorKind.ExtensionError, $"error in `{function}`: {message}"));

    internal static Value Of(EvaluationErrorKind kind, string message) => Value.FromError(new EvaluationError(kind, message));

    public override string ToString() => Message;
}
