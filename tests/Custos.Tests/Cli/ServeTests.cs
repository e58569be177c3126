using System.Net;
using System.Text.Json;
using Custos.Tests.Support;

namespace Custos.Tests.Cli;

/// <summary><c>custos serve</c> as a process: start, configuration layers, logs, shutdown.</summary>
public sealed class ServeTests
{
    [Fact]
    public async Task Serve_answers_healthz_and_drains_on_sigterm_with_exit_0()
    {
        using var temp = new TempDirectory();
        var port = CustosProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}", "--data", temp.Combine("data")]);

        using (var problem = await server.Client.GetAsync(new Uri("nope", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            problem.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            problem.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }

        var exitCode = await server.StopAsync();

        exitCode.ShouldBe(0);
        server.StandardOutput.ShouldContain("Application is shutting down");
        server.StandardError.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_world_changed_by_scim_survives_restarts_and_is_replaced_only_on_purpose()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        var port = CustosProcess.FreePort();
        string[] listen = ["--urls", $"http://127.0.0.1:{port}", "--data", data];
        var token = Custos.Server.Authentication.LocalTokens.Mint(
            Custos.Server.Authentication.LocalSigningKey.LoadOrCreate(data), "service:idp", null, TimeSpan.FromMinutes(10));
        async Task<int> ScimAsync(ServerProcess server, HttpMethod method, string path, string? body = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            if (body is not null)
            {
                request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/scim+json");
            }
            using var response = await server.Client.SendAsync(request, TestContext.Current.CancellationToken);
            return (int)response.StatusCode;
        }

        await using (var first = await ServerProcess.StartAsync(port, listen))
        {
            (await ScimAsync(first, HttpMethod.Post, "scim/v2/Users", """
                {"userName":"staff:zoe","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"dept:support"},
                 "urn:custos:scim:schemas:1.0:Staff":{"jurisdiction":"US"}}
                """)).ShouldBe(201);
            (await first.StopAsync()).ShouldBe(0);
        }
        await using (var kept = await ServerProcess.StartAsync(port, listen))
        {
            (await ScimAsync(kept, HttpMethod.Get, "scim/v2/Users/staff:zoe")).ShouldBe(200);
            (await kept.StopAsync()).ShouldBe(0);
            kept.StandardOutput.ShouldContain("keeping it rather than loading world.json over it");
        }
        await using (var store = await ServerProcess.StartAsync(port, [.. listen, "--world", "store"]))
        {
            (await ScimAsync(store, HttpMethod.Get, "scim/v2/Users/staff:zoe")).ShouldBe(200);
            (await store.StopAsync()).ShouldBe(0);
            store.StandardOutput.ShouldNotContain("keeping it rather than loading");
        }
        await using var replaced = await ServerProcess.StartAsync(port, [.. listen, "--replace-world"]);
        (await ScimAsync(replaced, HttpMethod.Get, "scim/v2/Users/staff:zoe")).ShouldBe(404);
    }

    [Fact]
    public async Task Json_logs_are_one_object_per_line_and_request_lines_carry_the_request_id()
    {
        using var temp = new TempDirectory();
        var port = CustosProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["CUSTOS_Logging__Console__FormatterName"] = "json",
            // Request start/finish lines are off by default; they are the request-scoped lines to look at.
            ["CUSTOS_Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        };
        await using var server = await ServerProcess.StartAsync(port, ["--urls", $"http://127.0.0.1:{port}", "--data", temp.Combine("data")], environment: environment);

        using (await server.Client.GetAsync(new Uri("healthz", UriKind.Relative), TestContext.Current.CancellationToken))
        {
        }
        (await server.StopAsync()).ShouldBe(0);

        var lines = server.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        foreach (var entry in entries)
        {
            entry.GetProperty("LogLevel").GetString().ShouldNotBeNullOrEmpty();
            entry.GetProperty("Message").GetString().ShouldNotBeNull();
        }

        var requestLines = entries.Where(e => e.GetProperty("Category").GetString() == "Microsoft.AspNetCore.Hosting.Diagnostics").ToList();
        requestLines.ShouldNotBeEmpty();
        foreach (var line in requestLines)
        {
            var requestIds = line.GetProperty("Scopes").EnumerateArray()
                .Where(scope => scope.TryGetProperty("RequestId", out _))
                .Select(scope => scope.GetProperty("RequestId").GetString());
            requestIds.ShouldHaveSingleItem().ShouldNotBeNullOrEmpty();
        }
    }

    /// <summary>Lowest first: appsettings.json, the --config file, CUSTOS_ variables, the command line.</summary>
    [Fact]
    public async Task Configuration_layers_take_precedence_in_order()
    {
        using var temp = new TempDirectory();
        var fromFile = temp.Combine("from-file");
        var fromEnvironment = temp.Combine("from-environment");
        var fromCommandLine = temp.Combine("from-command-line");
        var configFile = temp.Combine("custos.json");
        var filePort = CustosProcess.FreePort();
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(new { Urls = $"http://127.0.0.1:{filePort}", Data = fromFile }), TestContext.Current.CancellationToken);

        // Built-in defaults (and appsettings.json, which does not set them): ./.custos in the working directory.
        var workDir = temp.Combine("work");
        Directory.CreateDirectory(workDir);
        var defaultsPort = CustosProcess.FreePort();
        await AssertDataDirectoryAsync(defaultsPort, ["--urls", $"http://127.0.0.1:{defaultsPort}"], null, workDir, Path.Combine(workDir, ".custos"));

        // The --config file overrides the defaults, for both the address and the data directory.
        await AssertDataDirectoryAsync(filePort, ["--config", configFile], null, workDir, fromFile);

        // CUSTOS_ variables override the file.
        var environmentPort = CustosProcess.FreePort();
        var environment = new Dictionary<string, string> { ["CUSTOS_DATA"] = fromEnvironment, ["CUSTOS_URLS"] = $"http://127.0.0.1:{environmentPort}" };
        await AssertDataDirectoryAsync(environmentPort, ["--config", configFile], environment, workDir, fromEnvironment);

        // The command line overrides everything.
        var commandLinePort = CustosProcess.FreePort();
        await AssertDataDirectoryAsync(commandLinePort, ["--config", configFile, "--urls", $"http://127.0.0.1:{commandLinePort}", "--data", fromCommandLine], environment, workDir, fromCommandLine);
    }

    private static async Task AssertDataDirectoryAsync(int port, string[] args, Dictionary<string, string>? environment, string workingDirectory, string expectedData)
    {
        await using var server = await ServerProcess.StartAsync(port, args, workingDirectory, environment);
        using var ready = await server.Client.GetAsync(new Uri("readyz", UriKind.Relative), TestContext.Current.CancellationToken);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        File.Exists(Path.Combine(expectedData, "custos.db")).ShouldBeTrue($"expected the store in {expectedData}; log: {server.StandardOutput}");
        (await server.StopAsync()).ShouldBe(0);
    }
}
