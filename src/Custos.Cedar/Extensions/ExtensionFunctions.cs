using System.Collections.Frozen;
using Custos.Cedar.Evaluation;

namespace Custos.Cedar.Extensions;

/// <summary>How an extension function is written: <c>ip("…")</c> or <c>x.isIpv4()</c>.</summary>
public enum CallStyle
{
    Function,
    Method,
}

/// <summary>
/// An extension function. For a method, the receiver is the first argument. Functions take one
/// or two arguments, so they are held as fixed-arity delegates and a call allocates no array.
/// </summary>
public sealed class ExtensionFunction
{
    private ExtensionFunction(string name, CallStyle style, int arity, Func<Value, Value>? unary, Func<Value, Value, Value>? binary, ValueKind constructs)
    {
        Name = name;
        Style = style;
        Arity = arity;
        Unary = unary;
        Binary = binary;
        Constructs = constructs;
    }

    public string Name { get; }

    public CallStyle Style { get; }

    /// <summary>The number of arguments, the receiver of a method included.</summary>
    public int Arity { get; }

    /// <summary>For a constructor (<c>ip</c>, <c>decimal</c>, …), the kind it makes; otherwise <see cref="ValueKind.None"/>.</summary>
    public ValueKind Constructs { get; }

    internal Func<Value, Value>? Unary { get; }

    internal Func<Value, Value, Value>? Binary { get; }

    /// <summary>Applies the function; a wrong number of arguments is an evaluation error, as in Cedar.</summary>
    public Value Invoke(ReadOnlySpan<Value> arguments)
    {
        if (arguments.Length != Arity)
        {
            return WrongArity(arguments.Length);
        }
        return Arity == 1 ? Unary!(arguments[0]) : Binary!(arguments[0], arguments[1]);
    }

    internal Value WrongArity(int given) => EvaluationError.Of(
        EvaluationErrorKind.WrongNumberOfArguments,
        $"wrong number of arguments to `{Name}`: expected {Arity}, got {given}");

    internal static ExtensionFunction Constructor(string name, ValueKind kind, Func<Value, Value> body) => new(name, CallStyle.Function, 1, body, null, kind);

    internal static ExtensionFunction Method(string name, Func<Value, Value> body) => new(name, CallStyle.Method, 1, body, null, ValueKind.None);

    internal static ExtensionFunction Method(string name, Func<Value, Value, Value> body) => new(name, CallStyle.Method, 2, null, body, ValueKind.None);
}

/// <summary>Every extension function of Cedar 4: ipaddr, decimal, datetime and duration.</summary>
public static class ExtensionFunctions
{
    private static readonly FrozenDictionary<string, ExtensionFunction> All = new[]
    {
        ExtensionFunction.Constructor("ip", ValueKind.IpAddr, IpExtension.Ip),
        ExtensionFunction.Method("isIpv4", IpExtension.IsIpv4),
        ExtensionFunction.Method("isIpv6", IpExtension.IsIpv6),
        ExtensionFunction.Method("isLoopback", IpExtension.IsLoopback),
        ExtensionFunction.Method("isMulticast", IpExtension.IsMulticast),
        ExtensionFunction.Method("isInRange", IpExtension.IsInRange),
        ExtensionFunction.Constructor("decimal", ValueKind.Decimal, DecimalExtension.Decimal),
        ExtensionFunction.Method("lessThan", DecimalExtension.LessThan),
        ExtensionFunction.Method("lessThanOrEqual", DecimalExtension.LessThanOrEqual),
        ExtensionFunction.Method("greaterThan", DecimalExtension.GreaterThan),
        ExtensionFunction.Method("greaterThanOrEqual", DecimalExtension.GreaterThanOrEqual),
        ExtensionFunction.Constructor("datetime", ValueKind.Datetime, DatetimeExtension.Datetime),
        ExtensionFunction.Constructor("duration", ValueKind.Duration, DatetimeExtension.Duration),
        ExtensionFunction.Method("offset", DatetimeExtension.Offset),
        ExtensionFunction.Method("durationSince", DatetimeExtension.DurationSince),
        ExtensionFunction.Method("toDate", DatetimeExtension.ToDate),
        ExtensionFunction.Method("toTime", DatetimeExtension.ToTime),
        ExtensionFunction.Method("toMilliseconds", DatetimeExtension.ToMilliseconds),
        ExtensionFunction.Method("toSeconds", DatetimeExtension.ToSeconds),
        ExtensionFunction.Method("toMinutes", DatetimeExtension.ToMinutes),
        ExtensionFunction.Method("toHours", DatetimeExtension.ToHours),
        ExtensionFunction.Method("toDays", DatetimeExtension.ToDays),
    }.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    public static IEnumerable<ExtensionFunction> Functions => All.Values;

    public static bool TryGet(string name, out ExtensionFunction function) => All.TryGetValue(name, out function!);

    /// <summary>The constructor of an extension type by its type name (<c>ipaddr</c>, <c>decimal</c>, <c>datetime</c>, <c>duration</c>).</summary>
    public static ExtensionFunction? ConstructorOfType(string typeName) => typeName switch
    {
        "ipaddr" => All["ip"],
        "decimal" => All["decimal"],
        "datetime" => All["datetime"],
        "duration" => All["duration"],
        _ => null,
    };
}
