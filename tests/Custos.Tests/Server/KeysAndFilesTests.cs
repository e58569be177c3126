using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Custos.Server.Authentication;
using Custos.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Custos.Tests.Server;

/// <summary>Issue 12, finding 9: the keys and the personal data in the data directory are the server's alone.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeysAndFilesTests
{
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("token-signing.key", UnixFileMode.OtherRead)]
    [InlineData("token-signing.key", UnixFileMode.GroupWrite)]
    [InlineData("ledger.db.key", UnixFileMode.GroupRead)]
    [InlineData("ledger.db.key", UnixFileMode.OtherWrite)]
    public async Task A_key_file_open_to_group_or_others_stops_the_server(string keyFile, UnixFileMode extra)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        await StartAndStopOnceAsync(data);
        var path = Path.Combine(data, keyFile);
        File.SetUnixFileMode(path, OwnerReadWrite | extra);

        using var app = new CustosApp(dataDirectory: data);
        var error = Should.Throw<Exception>(() => app.CreateClient());

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("group or others");
    }

    [Fact]
    public async Task A_key_file_of_another_user_stops_the_server()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Environment.UserName == "root", "only root can give a file away");
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        await StartAndStopOnceAsync(data);
        var path = Path.Combine(data, "ledger.db.key");
        using (var chown = System.Diagnostics.Process.Start("chown", ["65534", path]))
        {
            await chown.WaitForExitAsync(Cancel);
            chown.ExitCode.ShouldBe(0);
        }

        using var app = new CustosApp(dataDirectory: data);
        var error = Should.Throw<Exception>(() => app.CreateClient());

        error.Message.ShouldContain("uid 65534");
    }

    [Fact]
    public async Task Serve_with_a_key_readable_by_others_prints_one_line_and_exits_1()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        Directory.CreateDirectory(data);
        var key = Path.Combine(data, LocalSigningKey.FileName);
        await File.WriteAllTextAsync(key, new string('a', 64), Cancel);
        File.SetUnixFileMode(key, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var port = CustosProcess.FreePort();

        var result = await CustosProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{port}", "--data", data]);

        result.ExitCode.ShouldBe(1);
        result.ErrorLines.ShouldHaveSingleItem().ShouldStartWith("custos: ");
        result.ErrorLines[0].ShouldContain($"{key} is readable or writable by group or others (mode 0644)");
    }

    [Fact]
    public async Task A_fresh_data_directory_and_every_file_the_server_makes_in_it_are_its_own_only()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        var port = CustosProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}", "--data", data]);
        await WaitReadyAsync(server.Client);
        // A read through the gateway makes the demo connector's database too.
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/reads", UriKind.Relative)))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LocalTokens.Mint(LocalSigningKey.Load(data), "staff:amara", "US", TimeSpan.FromMinutes(5)));
            request.Content = JsonContent.Create(new { subject = "user:40065", categories = new[] { "profile.basic" }, purpose = "trust-safety-investigation", @case = "case:TS-2001" });
            using var read = await server.Client.SendAsync(request, Cancel);
            read.StatusCode.ShouldBe(HttpStatusCode.OK, await read.Content.ReadAsStringAsync(Cancel));
        }

        File.GetUnixFileMode(data).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var files = Directory.GetFiles(data).Select(Path.GetFileName).ToList();
        files.ShouldContain("custos.db");
        files.ShouldContain("ledger.db");
        files.ShouldContain("ledger.db.key");
        files.ShouldContain("token-signing.key");
        files.ShouldContain("platform-demo.db");
        foreach (var file in Directory.GetFiles(data))
        {
            (File.GetUnixFileMode(file) & GroupOrOthers).ShouldBe(UnixFileMode.None, file);
        }
    }

    [Fact]
    public async Task Databases_left_open_to_others_by_an_earlier_version_are_made_private_at_start()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        await StartAndStopOnceAsync(data);
        var databases = new[] { "custos.db", "ledger.db" }.Select(name => Path.Combine(data, name)).ToList();
        foreach (var database in databases)
        {
            File.SetUnixFileMode(database, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        await StartAndStopOnceAsync(data);

        foreach (var database in databases)
        {
            File.GetUnixFileMode(database).ShouldBe(OwnerReadWrite, database);
        }
    }

    [Fact]
    public async Task A_token_key_the_server_cannot_read_is_logged_once_and_refuses_every_token()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        // A directory where the key should be: no process can read it as a key, not even root.
        Directory.CreateDirectory(Path.Combine(data, LocalSigningKey.FileName));
        var logs = new LogCapture();
        using var app = new CustosApp(dataDirectory: data, services: logs.AddTo);
        using var client = app.CreateClient();
        var token = LocalTokens.Mint(new SymmetricSecurityKey(new byte[32]), "staff:jules", "US", TimeSpan.FromMinutes(5));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(new Uri("/v1/policies", UriKind.Relative), Cancel);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var errors = logs.Lines.Where(l => l.Level >= LogLevel.Error && l.Message.Contains("token key", StringComparison.Ordinal)).ToList();
        errors.ShouldHaveSingleItem().Message.ShouldContain(Path.Combine(data, LocalSigningKey.FileName));
    }

    /// <summary>Runs a server on <paramref name="data"/> until its stores and keys exist.</summary>
    private static async Task StartAndStopOnceAsync(string data)
    {
        using var app = new CustosApp(dataDirectory: data);
        using var client = app.CreateClient();
        await WaitReadyAsync(client);
    }

    private static async Task WaitReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Cancel);
            if (response.IsSuccessStatusCode)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(await response.Content.ReadAsStringAsync(Cancel));
            }
            await Task.Delay(100, Cancel);
        }
    }
}
