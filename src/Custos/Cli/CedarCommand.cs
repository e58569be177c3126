using System.CommandLine;
using System.Text.Json;
using Custos.Access.Policies;
using Custos.Cedar;
using Custos.Cedar.Conformance;
using Custos.Cedar.Entities;
using Custos.Cedar.Schema;
using Custos.Cedar.Syntax;
using Custos.Cedar.Validation;

namespace Custos.Cli;

/// <summary>
/// <c>custos cedar</c>: the Cedar policy engine on its own. <c>authorize</c> answers one request
/// from files; <c>validate</c> checks policies against a schema; <c>conformance</c> runs Cedar's
/// integration tests. Each is a thin shell over <see cref="Authorizer"/>, <see cref="Validator"/>
/// and <see cref="ConformanceRunner"/>.
/// </summary>
internal static class CedarCommand
{
    private const string PoliciesDescription =
        "A Cedar policy file, or a directory of *.cedar files read as the server reads them. A policy is known by its @id(\"…\"); "
        + "without one, by its position (policy0, policy1, …) in a file, or as file.cedar#n in a directory.";

    public static Command Create() => new("cedar", "Evaluate Cedar policies: authorize a request, validate policies against a schema, check that they parse, format them, run Cedar's conformance tests.")
    {
        AuthorizeCommand(),
        ValidateCommand(),
        ConformanceCommand(),
        CedarTextCommands.CheckParseCommand(),
        CedarTextCommands.FormatCommand(),
    };

    private static Command ValidateCommand()
    {
        var schema = new Option<FileInfo>("--schema") { Description = "The Cedar schema (.cedarschema, or JSON) to validate against.", Required = true };
        var policies = new Option<FileSystemInfo>("--policies") { Description = PoliciesDescription, Required = true };
        var command = new Command("validate", "Validate policies against a schema in Cedar's strict mode; print one line per error (file:line:column, policy, rule). Exit 0 valid, 1 invalid.")
        {
            schema, policies,
        };
        command.SetAction(parse =>
        {
            var validator = new Validator(Load(parse.GetValue(schema)!, "schema", CedarSchema.Parse));
            var loaded = LoadPolicies(parse.GetValue(policies)!);
            var errors = loaded.SelectMany(p => validator.Validate(p.Id, p.Ast, p.File)).ToList();
            var output = parse.InvocationConfiguration.Output;
            foreach (var error in errors)
            {
                output.WriteLine(error.ToString());
            }
            if (errors.Count > 0)
            {
                return ExitCodes.Failure;
            }
            output.WriteLine($"{loaded.Count} {(loaded.Count == 1 ? "policy validates" : "policies validate")}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A policy as loaded: the file it came from (as the user named it), its id and its syntax tree.</summary>
    private sealed record LoadedPolicy(string File, string Id, PolicyAst Ast);

    /// <summary>
    /// Policies from a file or a directory. A directory is read by <see cref="AccessPolicies"/>, exactly
    /// as the server reads its policies; a file's policies are named by <c>@id</c> or position.
    /// </summary>
    private static List<LoadedPolicy> LoadPolicies(FileSystemInfo path)
    {
        if (Directory.Exists(path.FullName))
        {
            var policies = AccessPolicies.FromDirectory(path.FullName);
            return policies.Set.Policies
                .Select(p => new LoadedPolicy(Path.Combine(path.ToString(), policies.Find(p.Id)!.File), p.Id, p.Ast))
                .ToList();
        }
        var file = new FileInfo(path.FullName);
        var parsed = Load(file, "policies", Parser.ParsePolicies);
        var loaded = parsed.Select((ast, n) => new LoadedPolicy(path.ToString(), ast.Annotation("id") is { Length: > 0 } id ? id : $"policy{n}", ast)).ToList();
        if (loaded.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } clash)
        {
            throw new InvalidDataException($"policies file '{file.Name}': the id '{clash.Key}' is used by more than one policy");
        }
        return loaded;
    }

    private static PolicySet ToPolicySet(List<LoadedPolicy> policies)
    {
        var set = new PolicySet();
        foreach (var policy in policies)
        {
            if (policy.Ast.IsTemplate)
            {
                set.AddTemplate(policy.Id, policy.Ast);
            }
            else
            {
                set.Add(policy.Id, policy.Ast);
            }
        }
        return set;
    }

    private static Command AuthorizeCommand()
    {
        var policies = new Option<FileSystemInfo>("--policies") { Description = PoliciesDescription, Required = true };
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
            var policySet = ToPolicySet(LoadPolicies(parse.GetValue(policies)!));
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
        var command = new Command("conformance", "Run every Cedar integration test under DIR; print each failing request, 'N passed, N failed', then 'validation: N agree, N differ' (with --verbose, each file that differs).")
        {
            directory,
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
            if (parse.GetValue(CustosCommandLine.Verbose))
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
