using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Custos.Cedar.Extensions;
using Custos.Cedar.Syntax;

namespace Custos.Cedar.Evaluation;

/// <summary>The kinds of Cedar values. <see cref="None"/> is the default of <see cref="Value"/>, never a Cedar value.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "These are Cedar's own type names.")]
public enum ValueKind : byte
{
    None = 0,
    Bool,
    Long,
    String,
    Entity,
    Set,
    Record,
    Decimal,
    IpAddr,
    Datetime,
    Duration,
}

/// <summary>
/// A Cedar value. A small struct so that booleans, integers and the fixed-point extension types
/// (decimal, datetime, duration) never allocate: the payload is either the 64-bit
/// <c>_number</c> or a reference to an immutable object (string, <see cref="EntityUid"/>,
/// <see cref="SetValue"/>, <see cref="RecordValue"/>, <see cref="IpAddress"/>).
/// Inside the evaluator the same struct also carries an evaluation error (kind
/// <see cref="ValueKind.None"/> with an <see cref="EvaluationError"/>), so that errors travel
/// as return values instead of exceptions; that value never leaves the evaluator.
/// </summary>
public readonly struct Value : IEquatable<Value>
{
    private readonly object? _object;
    private readonly long _number;

    private Value(ValueKind kind, long number, object? obj)
    {
        Kind = kind;
        _number = number;
        _object = obj;
    }

    public ValueKind Kind { get; }

    public static Value True { get; } = new(ValueKind.Bool, 1, null);

    public static Value False { get; } = new(ValueKind.Bool, 0, null);

    public static Value FromBool(bool value) => new(ValueKind.Bool, value ? 1 : 0, null);

    public static Value FromLong(long value) => new(ValueKind.Long, value, null);

    public static Value FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(ValueKind.String, 0, value);
    }

    public static Value FromEntity(EntityUid uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        return new(ValueKind.Entity, 0, uid);
    }

    public static Value FromSet(SetValue set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return new(ValueKind.Set, 0, set);
    }

    public static Value FromSet(IEnumerable<Value> elements) => FromSet(SetValue.Create(elements));

    public static Value FromRecord(RecordValue record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(ValueKind.Record, 0, record);
    }

    /// <summary>A decimal from its fixed-point representation (the value times 10,000).</summary>
    public static Value FromDecimal(long scaled) => new(ValueKind.Decimal, scaled, null);

    public static Value FromIpAddress(IpAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new(ValueKind.IpAddr, 0, address);
    }

    /// <summary>A datetime: milliseconds since the Unix epoch, leap seconds ignored.</summary>
    public static Value FromDatetime(long epochMilliseconds) => new(ValueKind.Datetime, epochMilliseconds, null);

    /// <summary>A duration in milliseconds.</summary>
    public static Value FromDuration(long milliseconds) => new(ValueKind.Duration, milliseconds, null);

    internal static Value FromError(EvaluationError error) => new(ValueKind.None, 0, error);

    internal bool IsError
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Kind == ValueKind.None;
    }

    internal EvaluationError Error => _object as EvaluationError ?? EvaluationError.Uninitialized;

    public bool AsBool => Kind == ValueKind.Bool ? _number != 0 : throw WrongKind(ValueKind.Bool);

    public long AsLong => Kind == ValueKind.Long ? _number : throw WrongKind(ValueKind.Long);

    public string AsString => Kind == ValueKind.String ? (string)_object! : throw WrongKind(ValueKind.String);

    public EntityUid AsEntity => Kind == ValueKind.Entity ? (EntityUid)_object! : throw WrongKind(ValueKind.Entity);

    public SetValue AsSet => Kind == ValueKind.Set ? (SetValue)_object! : throw WrongKind(ValueKind.Set);

    public RecordValue AsRecord => Kind == ValueKind.Record ? (RecordValue)_object! : throw WrongKind(ValueKind.Record);

    public IpAddress AsIpAddress => Kind == ValueKind.IpAddr ? (IpAddress)_object! : throw WrongKind(ValueKind.IpAddr);

    /// <summary>The fixed-point payload of a decimal (value × 10,000), datetime (epoch ms) or duration (ms).</summary>
    public long AsFixed => Kind is ValueKind.Decimal or ValueKind.Datetime or ValueKind.Duration ? _number : throw WrongKind(ValueKind.Decimal);

    // Unchecked accessors for the evaluator, which has already looked at Kind.
    internal long Number => _number;

    internal object? Object => _object;

    internal bool IsTrue
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Kind == ValueKind.Bool && _number != 0;
    }

    private InvalidOperationException WrongKind(ValueKind expected) =>
        new($"the value is {TypeName(Kind)}, not {TypeName(expected)}");

    /// <summary>Cedar's name of a kind of value, as used in error messages.</summary>
    public static string TypeName(ValueKind kind) => kind switch
    {
        ValueKind.Bool => "bool",
        ValueKind.Long => "long",
        ValueKind.String => "string",
        ValueKind.Entity => "entity",
        ValueKind.Set => "set",
        ValueKind.Record => "record",
        ValueKind.Decimal => "decimal",
        ValueKind.IpAddr => "ipaddr",
        ValueKind.Datetime => "datetime",
        ValueKind.Duration => "duration",
        _ => "nothing",
    };

    /// <summary>Cedar equality: values of different kinds are unequal, never an error.</summary>
    public bool Equals(Value other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }
        return Kind switch
        {
            ValueKind.Bool or ValueKind.Long or ValueKind.Decimal or ValueKind.Datetime or ValueKind.Duration => _number == other._number,
            ValueKind.String => string.Equals((string)_object!, (string)other._object!, StringComparison.Ordinal),
            ValueKind.Entity => ((EntityUid)_object!).Equals((EntityUid)other._object!),
            ValueKind.Set => ((SetValue)_object!).Equals((SetValue)other._object!),
            ValueKind.Record => ((RecordValue)_object!).Equals((RecordValue)other._object!),
            ValueKind.IpAddr => ((IpAddress)_object!).Equals((IpAddress)other._object!),
            _ => ReferenceEquals(_object, other._object),
        };
    }

    public override bool Equals(object? obj) => obj is Value other && Equals(other);

    public override int GetHashCode() => Kind switch
    {
        ValueKind.Bool or ValueKind.Long or ValueKind.Decimal or ValueKind.Datetime or ValueKind.Duration => HashCode.Combine(Kind, _number),
        ValueKind.String => StringComparer.Ordinal.GetHashCode((string)_object!),
        ValueKind.None => 0,
        _ => _object!.GetHashCode(),
    };

    public static bool operator ==(Value left, Value right) => left.Equals(right);

    public static bool operator !=(Value left, Value right) => !left.Equals(right);

    /// <summary>The value in Cedar syntax, as it would be written in a policy.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        AppendTo(builder);
        return builder.ToString();
    }

    internal void AppendTo(StringBuilder builder)
    {
        switch (Kind)
        {
            case ValueKind.Bool:
                builder.Append(_number != 0 ? "true" : "false");
                break;
            case ValueKind.Long:
                builder.Append(_number.ToString(CultureInfo.InvariantCulture));
                break;
            case ValueKind.String:
                Printer.AppendQuoted(builder, (string)_object!, escapeStar: false);
                break;
            case ValueKind.Entity:
                builder.Append(((EntityUid)_object!).ToString());
                break;
            case ValueKind.Set:
                builder.Append('[');
                var first = true;
                foreach (var element in ((SetValue)_object!).Elements)
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }
                    first = false;
                    element.AppendTo(builder);
                }
                builder.Append(']');
                break;
            case ValueKind.Record:
                var record = (RecordValue)_object!;
                builder.Append('{');
                for (var i = 0; i < record.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }
                    Printer.AppendQuoted(builder, record.KeyAt(i), escapeStar: false);
                    builder.Append(": ");
                    record.ValueAt(i).AppendTo(builder);
                }
                builder.Append('}');
                break;
            case ValueKind.Decimal:
                builder.Append("decimal(\"").Append(DecimalExtension.Format(_number)).Append("\")");
                break;
            case ValueKind.IpAddr:
                builder.Append("ip(\"").Append(((IpAddress)_object!).ToString()).Append("\")");
                break;
            case ValueKind.Datetime:
                builder.Append(DatetimeExtension.FormatDatetimeExpression(_number));
                break;
            case ValueKind.Duration:
                builder.Append("duration(\"").Append(_number.ToString(CultureInfo.InvariantCulture)).Append("ms\")");
                break;
            default:
                builder.Append(_object is EvaluationError error ? $"<error: {error.Message}>" : "<none>");
                break;
        }
    }
}
