using System.CommandLine;
using System.Text.Json;
using Custos.Cedar;
using Custos.Cedar.Conformance;
using Custos.Cedar.Entities;
using Custos.Cedar.Schema;

namespace Custos.Cli;

/// <summary>
/// <c>custos cedar</c>: the Cedar policy engine on its own. <c>authorize</c> answers one request
/// from files; <c>conformance</c> runs Cedar's integration tests. Both are thin shells over
/// <see cref="Authorizer"/> and <see cref="ConformanceRunner"/>.
/// </summary>
internal static class CedarCommand
{
    public static Command Create() => new("cedar", "Evaluate Cedar policies: authorize a request, run Cedar's conformance tests.")
    {
        AuthorizeCommand(),
        ConformanceCommand(),
    };

    private static Command AuthorizeCommand()
    {
        var policies = new Option<FileInfo>("--policies") { Description = "Cedar policies (text); ids are policy0, policy1, … in order.", Required = true };
        var entities = new Option<FileInfo>("--entities") { Description = "Entities in Cedar's JSON format.", Required = true };
        var request = new Option<FileInfo>("--request")
        {
            Description = "The request: {\"principal\": {\"type\": …, \"id\": …}, \"action\": {…}, \"resource\": {…}, \"context\": {…}}.",
            Required = true,
        };
        var schema = new Option<FileInfo>("--schema") { Description = "A Cedar schema (.cedarschema) to read entity and context JSON by (optional)." };

        var command = new Command("authorize", "Decide one request and print the decision, its reasons and any policy errors as JSON.")
        {
            policies, entities, request, schema,
        };
        command.SetAction(parse =>
        {
            var schemaFile = parse.GetValue(schema);
            var cedarSchema = schemaFile is null ? null : Load(schemaFile, "schema", CedarSchema.Parse);
            var policySet = Load(parse.GetValue(policies)!, "policies", PolicySet.Parse);
            var store = Load(parse.GetValue(entities)!, "entities", json => EntityStore.FromJson(json, cedarSchema));
            var cedarRequest = Load(parse.GetValue(request)!, "request", json => Request.FromJson(json, cedarSchema));

            var response = Authorizer.IsAuthorized(cedarRequest, policySet, store);

            var output = parse.InvocationConfiguration.Output;
            output.WriteLine(ToJson(response));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ConformanceCommand()
    {
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "A directory of Cedar integration tests (JSON files naming policies, entities and requests)." };
        var verbose = new Option<bool>("--verbose") { Description = "Also list the test files where the validator's verdict differs from Cedar's." };
        var command = new Command("conformance", "Run every Cedar integration test under DIR; print each failing request, 'N passed, N failed', then 'validation: N agree, N differ'.")
        {
            directory, verbose,
        };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(directory)!;
            if (!root.Exists)
            {
                throw new DirectoryNotFoundException($"the directory '{root.FullName}' does not exist");
            }
            var files = ConformanceRunner.FindTestFiles(root.FullName);
            if (files.Count == 0)
            {
                throw new InvalidOperationException($"no Cedar integration tests were found under '{root.FullName}'");
            }
            var report = ConformanceRunner.Run(files.Select(file => ConformanceTest.Load(root.FullName, file)));
            var output = parse.InvocationConfiguration.Output;
            foreach (var failure in report.Failures)
            {
                output.WriteLine($"FAIL {failure.File}: {failure.Request}: expected {failure.Expected}, got {failure.Got}");
            }
            output.WriteLine($"{report.Passed} passed, {report.Failed} failed");
            output.WriteLine($"validation: {report.ValidationAgree} agree, {report.ValidationDiffer} differ");
            if (parse.GetValue(verbose))
            {
                foreach (var difference in report.ValidationDifferences)
                {
                    output.WriteLine($"DIFFER {difference}");
                }
            }
            return report.Failed == 0 && report.ValidationDiffer == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>Reads and parses an input file; any problem becomes one message naming the file.</summary>
    private static T Load<T>(FileInfo file, string what, Func<string, T> parse)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"the {what} file '{file.FullName}' does not exist");
        }
        try
        {
            return parse(File.ReadAllText(file.FullName));
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{what} file '{file.Name}': {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{what} file '{file.Name}': {e.Message}", e);
        }
    }

    /// <summary><c>{"decision": "allow"|"deny", "reasons": [ids], "errors": [{"policy": id, "message": text}]}</c></summary>
    internal static string ToJson(Response response)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("decision", response.Decision == Decision.Allow ? "allow" : "deny");
            writer.WriteStartArray("reasons");
            foreach (var reason in response.Reasons)
            {
                writer.WriteStringValue(reason);
            }
            writer.WriteEndArray();
            writer.WriteStartArray("errors");
            foreach (var error in response.Errors)
            {
                writer.WriteStartObject();
                writer.WriteString("policy", error.PolicyId);
                writer.WriteString("message", error.Error.Message);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
