using System.Text.Json;
using Custos.Server.Authentication;
using Custos.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Custos.Tests.Cli;

/// <summary><c>custos token</c> signs with the key of the server's data directory, found as <c>serve</c> finds it, or says why it cannot.</summary>
public sealed class TokenCommandTests
{
    [Fact]
    public async Task Token_where_the_server_has_no_key_refuses_to_make_one_silently()
    {
        using var elsewhere = new TempDirectory();

        var result = await CustosProcess.RunAsync(["token", "--as", "staff:olu", "--location", "US"], workingDirectory: elsewhere.Path);

        result.ExitCode.ShouldBe(1);
        result.StandardOutput.ShouldBeEmpty();
        var line = result.ErrorLines.ShouldHaveSingleItem();
        line.ShouldContain(Path.Combine(elsewhere.Path, ".custos", LocalSigningKey.FileName));
        line.ShouldContain("--create-key");
        Directory.Exists(Path.Combine(elsewhere.Path, ".custos")).ShouldBeFalse("nothing is made without --create-key");
    }

    [Fact]
    public async Task Token_finds_the_data_directory_from_the_environment_as_serve_does_and_names_the_key_it_used()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        var key = LocalSigningKey.LoadOrCreate(data);

        var result = await CustosProcess.RunAsync(["token", "--as", "staff:olu", "--location", "US"], workingDirectory: temp.Path,
            environment: new Dictionary<string, string> { ["CUSTOS_DATA"] = data });

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.ErrorLines.ShouldHaveSingleItem().ShouldBe($"custos: signed with {Path.Combine(data, LocalSigningKey.FileName)}");
        await ShouldBeSignedWithAsync(result.StandardOutput.Trim(), key);
    }

    [Fact]
    public async Task Token_finds_the_data_directory_and_the_lifetime_limit_in_the_servers_config_file()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");
        var key = LocalSigningKey.LoadOrCreate(data);
        var config = temp.Combine("custos.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { Data = data, Auth = new { MaxLocalTokenLifetime = "02:00:00" } }), TestContext.Current.CancellationToken);

        var minted = await CustosProcess.RunAsync(["token", "--as", "staff:olu", "--config", config]);
        var tooLong = await CustosProcess.RunAsync(["token", "--as", "staff:olu", "--ttl", "3h", "--config", config]);

        minted.ExitCode.ShouldBe(0, minted.StandardError);
        await ShouldBeSignedWithAsync(minted.StandardOutput.Trim(), key);
        tooLong.ExitCode.ShouldBe(2, "a --ttl beyond the cap is a usage error, as documented");
        tooLong.ErrorLines.ShouldHaveSingleItem().ShouldContain("at most 2 hours");
    }

    [Fact]
    public async Task Token_with_create_key_makes_a_private_key_and_says_where()
    {
        using var temp = new TempDirectory();
        var data = temp.Combine("data");

        var result = await CustosProcess.RunAsync(["token", "--as", "staff:olu", "--data", data, "--create-key"]);

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain(Path.Combine(data, LocalSigningKey.FileName));
        await ShouldBeSignedWithAsync(result.StandardOutput.Trim(), LocalSigningKey.Load(data));
    }

    [Theory]
    [InlineData("ZZ")]
    [InlineData("us")]
    public async Task Token_refuses_a_location_that_is_not_a_country(string location)
    {
        var result = await CustosProcess.RunAsync(["token", "--as", "staff:olu", "--location", location]);

        result.ExitCode.ShouldBe(2);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain("ISO 3166-1");
    }

    private static async Task ShouldBeSignedWithAsync(string token, SecurityKey key)
    {
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidIssuer = AuthOptions.LocalIssuer,
            ValidAudience = AuthOptions.LocalIssuer,
        });
        validation.IsValid.ShouldBeTrue(validation.Exception?.Message);
    }
}
