using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Custos.Server.Authentication;

namespace Custos.Access.Benchmarks;

/// <summary>
/// A bounded load generator: a fixed number of clients, each sending its next decision request
/// as soon as the previous one is answered (a closed loop, so the server is never asked for more
/// than it can take), over HTTP on loopback, for a fixed time after a warm-up. Reports
/// throughput and latency percentiles of the measured window, and how many requests were
/// answered in all (warm-up included), to divide the server's CPU time by. With
/// <c>healthz</c> the clients ask <c>GET /healthz</c> instead: what the same server and the same
/// clients do without a decision, the yardstick each decision rate is given beside.
/// </summary>
internal static class LoadGenerator
{
    public static async Task RunAsync(Uri server, string dataDirectory, int clients, TimeSpan warmUp, TimeSpan duration, bool healthz)
    {
        var key = LocalSigningKey.LoadOrCreate(dataDirectory);
        var tokens = Workload.Mix.Select(read => read.Reader).Distinct()
            .ToDictionary(reader => reader, reader => LocalTokens.Mint(key, reader, Workload.Mix.First(r => r.Reader == reader).Location, TimeSpan.FromHours(1)));
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };

        var measuring = false;
        var stop = false;
        var latencies = new List<double>[clients];
        var errors = 0L;
        var answered = 0L;
        var tasks = Enumerable.Range(0, clients).Select(async client =>
        {
            var mine = latencies[client] = new List<double>(1 << 16);
            for (var i = client; !Volatile.Read(ref stop); i += clients)
            {
                var read = Workload.Mix[i % Workload.Mix.Length];
                using var request = healthz ? new HttpRequestMessage(HttpMethod.Get, "healthz") : new HttpRequestMessage(HttpMethod.Post, "v1/decisions")
                {
                    Content = JsonContent.Create(new { subject = read.Request.Subject, categories = read.Request.Categories, purpose = read.Request.Purpose, @case = read.Request.Case }),
                };
                if (!healthz)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[read.Reader]);
                }
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Interlocked.Increment(ref answered);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
                if (Volatile.Read(ref measuring))
                {
                    mine.Add(elapsed);
                }
            }
        }).ToList();

        await Task.Delay(warmUp);
        Volatile.Write(ref measuring, true);
        var window = Stopwatch.StartNew();
        await Task.Delay(duration);
        Volatile.Write(ref measuring, false);
        window.Stop();
        Volatile.Write(ref stop, true);
        await Task.WhenAll(tasks);

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        Console.WriteLine($"{clients} clients, {window.Elapsed.TotalSeconds:F1} s measured after {warmUp.TotalSeconds:F0} s warm-up: " +
            $"{all.Length:N0} {(healthz ? "healthz" : "decisions")} = {all.Length / window.Elapsed.TotalSeconds:N0}/s; errors {errors}; {answered} answered in all");
        Console.WriteLine($"latency ms: p50 {Percentile(0.50):F2}, p90 {Percentile(0.90):F2}, p99 {Percentile(0.99):F2}, p99.9 {Percentile(0.999):F2}, max {all.LastOrDefault():F2}");
    }
}
