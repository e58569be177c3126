using System.Globalization;
using System.Text;
using Custos.Cedar.Evaluation;

namespace Custos.Cedar.Extensions;

/// <summary>
/// A Cedar <c>ipaddr</c>: an IPv4 or IPv6 address with a prefix length (32 or 128 for a single
/// address). The address keeps its host bits: <c>ip("10.0.0.1/24")</c> and
/// <c>ip("10.0.0.0/24")</c> are different values, as in the reference implementation.
/// </summary>
public sealed class IpAddress : IEquatable<IpAddress>
{
    private IpAddress(UInt128 address, byte prefix, bool isV6)
    {
        Address = address;
        Prefix = prefix;
        IsV6 = isV6;
    }

    /// <summary>The address bits; an IPv4 address occupies the low 32 bits.</summary>
    public UInt128 Address { get; }

    public byte Prefix { get; }

    public bool IsV6 { get; }

    public bool IsV4 => !IsV6;

    private int Width => IsV6 ? 128 : 32;

    /// <summary>127.0.0.0/8 or ::1, and a prefix no shorter than that range's.</summary>
    public bool IsLoopback => IsV6 ? Address == 1 && Prefix == 128 : (Address >> 24) == 127 && Prefix >= 8;

    /// <summary>224.0.0.0/4 or ff00::/8, and a prefix no shorter than that range's.</summary>
    public bool IsMulticast => IsV6 ? (Address >> 120) == 0xff && Prefix >= 8 : (Address >> 28) == 0xe && Prefix >= 4;

    /// <summary>Whether every address of this range lies in <paramref name="range"/>; never across families.</summary>
    public bool IsInRange(IpAddress range)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (IsV6 != range.IsV6)
        {
            return false;
        }
        return range.Network() <= Network() && Broadcast() <= range.Broadcast();
    }

    private UInt128 HostMask(int prefix)
    {
        var width = Width;
        var all = width == 128 ? UInt128.MaxValue : (UInt128)uint.MaxValue;
        return prefix >= width ? UInt128.Zero : all >> prefix;
    }

    private UInt128 Network() => Address & ~HostMask(Prefix) & (IsV6 ? UInt128.MaxValue : uint.MaxValue);

    private UInt128 Broadcast() => Address | HostMask(Prefix);

    public bool Equals(IpAddress? other) =>
        other is not null && other.Address == Address && other.Prefix == Prefix && other.IsV6 == IsV6;

    public override bool Equals(object? obj) => Equals(obj as IpAddress);

    public override int GetHashCode() => HashCode.Combine(Address, Prefix, IsV6);

    /// <summary>The address in standard text form, with <c>/prefix</c> unless it is a single address.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        if (IsV6)
        {
            var groups = new ushort[8];
            for (var i = 0; i < 8; i++)
            {
                groups[i] = (ushort)(Address >> (112 - (16 * i)));
            }
            // RFC 5952: compress the longest run (at least two) of zero groups.
            int bestStart = -1, bestLength = 0;
            for (var i = 0; i < 8;)
            {
                if (groups[i] != 0)
                {
                    i++;
                    continue;
                }
                var start = i;
                while (i < 8 && groups[i] == 0)
                {
                    i++;
                }
                if (i - start > bestLength)
                {
                    bestStart = start;
                    bestLength = i - start;
                }
            }
            if (bestLength < 2)
            {
                bestStart = -1;
            }
            for (var i = 0; i < 8; i++)
            {
                if (i == bestStart)
                {
                    builder.Append("::");
                    i += bestLength - 1;
                    continue;
                }
                if (i > 0 && builder.Length > 0 && builder[^1] != ':')
                {
                    builder.Append(':');
                }
                builder.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
            }
        }
        else
        {
            var v4 = (uint)Address;
            builder.Append(v4 >> 24).Append('.').Append((v4 >> 16) & 0xff).Append('.').Append((v4 >> 8) & 0xff).Append('.').Append(v4 & 0xff);
        }
        if (Prefix != Width)
        {
            builder.Append('/').Append(Prefix);
        }
        return builder.ToString();
    }

    /// <summary>
    /// Parses an address or CIDR range the way Cedar does: dotted-quad IPv4 without leading zeros,
    /// IPv6 with at most one <c>::</c>, no IPv4 embedded in IPv6, a prefix without leading zeros.
    /// </summary>
    public static bool TryParse(string text, out IpAddress? address, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = null;
        if (Encoding.UTF8.GetByteCount(text) > 43)
        {
            error = $"`{text}` is too long to be an IP address";
            return false;
        }
        if (CountAtLeastTwo(text, ':') && CountAtLeastTwo(text, '.'))
        {
            error = $"IPv4 embedded in IPv6 is not accepted: `{text}`";
            return false;
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        UInt128 bits;
        bool isV6;
        if (TryParseV4(addressText, out var v4))
        {
            bits = v4;
            isV6 = false;
        }
        else if (TryParseV6(addressText, out var v6))
        {
            bits = v6;
            isV6 = true;
        }
        else
        {
            error = $"invalid IP address `{addressText}`";
            return false;
        }
        var max = isV6 ? 128 : 32;
        var prefix = max;
        if (slash >= 0)
        {
            var prefixText = text[(slash + 1)..];
            if (prefixText.Length == 0 || prefixText.Length > (isV6 ? 3 : 2) || !prefixText.All(char.IsAsciiDigit)
                || (prefixText.Length > 1 && prefixText[0] == '0'))
            {
                error = $"invalid prefix `{prefixText}`";
                return false;
            }
            prefix = int.Parse(prefixText, CultureInfo.InvariantCulture);
            if (prefix > max)
            {
                error = $"prefix {prefix} is larger than {max}";
                return false;
            }
        }
        address = new IpAddress(bits, (byte)prefix, isV6);
        error = null;
        return true;
    }

    public static IpAddress Parse(string text) =>
        TryParse(text, out var address, out var error) ? address! : throw new FormatException(error);

    private static bool CountAtLeastTwo(string text, char c)
    {
        var first = text.IndexOf(c, StringComparison.Ordinal);
        return first >= 0 && text.IndexOf(c, first + 1) >= 0;
    }

    private static bool TryParseV4(string text, out uint value)
    {
        value = 0;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }
            var octet = int.Parse(part, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }
            value = (value << 8) | (uint)octet;
        }
        return true;
    }

    private static bool TryParseV6(string text, out UInt128 value)
    {
        value = UInt128.Zero;
        var doubleColon = text.IndexOf("::", StringComparison.Ordinal);
        List<ushort>? head, tail;
        if (doubleColon < 0)
        {
            head = ParseGroups(text);
            if (head is null || head.Count != 8)
            {
                return false;
            }
            tail = [];
        }
        else
        {
            if (text.IndexOf("::", doubleColon + 1, StringComparison.Ordinal) >= 0)
            {
                return false;
            }
            head = doubleColon == 0 ? [] : ParseGroups(text[..doubleColon]);
            var rest = text[(doubleColon + 2)..];
            tail = rest.Length == 0 ? [] : ParseGroups(rest);
            // "::" stands for at least one zero group.
            if (head is null || tail is null || head.Count + tail.Count > 7)
            {
                return false;
            }
        }
        var groups = new ushort[8];
        for (var i = 0; i < head.Count; i++)
        {
            groups[i] = head[i];
        }
        for (var i = 0; i < tail.Count; i++)
        {
            groups[8 - tail.Count + i] = tail[i];
        }
        foreach (var group in groups)
        {
            value = (value << 16) | group;
        }
        return true;
    }

    private static List<ushort>? ParseGroups(string text)
    {
        var result = new List<ushort>();
        foreach (var part in text.Split(':'))
        {
            if (part.Length is 0 or > 4 || !part.All(char.IsAsciiHexDigit))
            {
                return null;
            }
            result.Add(ushort.Parse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
        return result;
    }
}

/// <summary>The <c>ipaddr</c> extension: <c>ip()</c> and its methods.</summary>
internal static class IpExtension
{
    public static Value Ip(Value text)
    {
        if (text.Kind != ValueKind.String)
        {
            return EvaluationError.TypeError("string", text);
        }
        return IpAddress.TryParse((string)text.Object!, out var address, out var error)
            ? Value.FromIpAddress(address!)
            : EvaluationError.Extension("ip", error!);
    }

    public static Value IsIpv4(Value ip) => ip.Kind == ValueKind.IpAddr ? Value.FromBool(((IpAddress)ip.Object!).IsV4) : EvaluationError.TypeError("ipaddr", ip);

    public static Value IsIpv6(Value ip) => ip.Kind == ValueKind.IpAddr ? Value.FromBool(((IpAddress)ip.Object!).IsV6) : EvaluationError.TypeError("ipaddr", ip);

    public static Value IsLoopback(Value ip) => ip.Kind == ValueKind.IpAddr ? Value.FromBool(((IpAddress)ip.Object!).IsLoopback) : EvaluationError.TypeError("ipaddr", ip);

    public static Value IsMulticast(Value ip) => ip.Kind == ValueKind.IpAddr ? Value.FromBool(((IpAddress)ip.Object!).IsMulticast) : EvaluationError.TypeError("ipaddr", ip);

    public static Value IsInRange(Value ip, Value range)
    {
        if (ip.Kind != ValueKind.IpAddr)
        {
            return EvaluationError.TypeError("ipaddr", ip);
        }
        if (range.Kind != ValueKind.IpAddr)
        {
            return EvaluationError.TypeError("ipaddr", range);
        }
        return Value.FromBool(((IpAddress)ip.Object!).IsInRange((IpAddress)range.Object!));
    }
}
