using System.Text;

namespace Custos.Ledger.Benchmarks;

/// <summary>Entries shaped like Custos decisions, exactly 300 bytes of canonical JSON each.</summary>
internal static class Entries
{
    public const int Size = 300;

    public static byte[] Decision(long n)
    {
        var head = $"{{\"case\":\"case:IA-7\",\"categories\":[\"network.ip_address\"],\"kind\":\"decision\",\"n\":{n},\"outcome\":\"allow\",\"pad\":\"";
        const string Tail = "\",\"purpose\":\"internal-audit\",\"reader\":\"staff:wei\",\"subject\":\"user:10042\",\"time\":\"2026-06-03T14:05:00Z\"}";
        var pad = new string('x', Size - head.Length - Tail.Length);
        var entry = Encoding.UTF8.GetBytes(head + pad + Tail);
        if (entry.Length != Size)
        {
            throw new InvalidOperationException($"entry of {entry.Length} bytes");
        }
        return entry;
    }
}
