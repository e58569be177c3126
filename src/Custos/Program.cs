using Custos.Cli;

return await CustosCommandLine.RunAsync(args, Console.Out, Console.Error);
