using System.Diagnostics;
using ParamLens.Tests.Inputs;

namespace ParamLens.Tests.Foundation;

/// <summary>Exit codes and messages of the command line for what is not a good model: unknown commands, a closed standard
/// input, missing folders, a printed table that contradicts itself.</summary>
public sealed class CliOutcomeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paramlens-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void An_unknown_command_is_named_and_the_commands_listed()
    {
        var (code, _, error) = Run("frobnicate", "model.h5");
        Assert.Equal(Cli.UsageError, code);
        Assert.StartsWith("paramlens: unknown command 'frobnicate'; the commands are summary, explain, verify\n", error.Replace("\r\n", "\n"));
        Assert.DoesNotContain("Required command", error);
    }

    [Fact]
    public void No_command_lists_the_commands()
    {
        var (code, output, error) = Run();
        Assert.Equal(Cli.UsageError, code);
        Assert.Contains("no command given; the commands are summary, explain, verify", error);
        Assert.Contains("Usage:", output); // the help, as a newcomer's first try deserves
    }

    [Fact]
    public void An_option_that_needs_a_number_says_so_in_plain_words()
    {
        var (code, _, error) = Run("summary", "model.h5", "--line-length", "abc");
        Assert.Equal(Cli.UsageError, code);
        Assert.StartsWith("paramlens: option '--line-length' takes a whole number, not 'abc'\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public void A_file_in_a_missing_folder_is_a_usage_error_like_a_missing_file()
    {
        var (code, _, error) = Run("summary", Path.Combine(_dir, "no-such-folder", "model.h5"));
        Assert.Equal(Cli.UsageError, code);
        Assert.EndsWith("model.h5: no such file\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public void A_model_error_inside_a_file_exits_one()
    {
        var path = Path.Combine(_dir, "twice.json");
        File.WriteAllText(path, """{"class_name": "Sequential", "class_name": "Model", "config": {}}""");
        var (code, _, error) = Run("summary", path);
        Assert.Equal(Cli.ModelError, code);
        Assert.Contains("Duplicate property 'class_name'", error);
    }

    /// <summary>The mnist convnet as Keras 2.0–2.6 printed it (320 + 18,496 + 16,010 = 34,826), its totals lines altered
    /// to 99,999.</summary>
    private static readonly string AlteredTable = TestModelFiles.MnistConvnetTable
        .Replace("Total params: 34,826", "Total params: 99,999").Replace("Trainable params: 34,826", "Trainable params: 99,999");

    [Theory]
    [InlineData("summary", "--format", "json")]
    [InlineData("explain")]
    [InlineData("explain", "--format", "json")]
    public void A_printed_table_whose_rows_and_totals_disagree_exits_one_with_both_figures(params string[] command)
    {
        var path = Path.Combine(_dir, "altered.txt");
        File.WriteAllText(path, AlteredTable);
        var (code, output, error) = Run([.. command, path]);
        Assert.Equal(Cli.ModelError, code);
        Assert.Equal($"paramlens: {path}: the table contradicts itself: the rows add up to 34,826, 65,173 less than the 99,999 weights of the totals\n",
            error.Replace("\r\n", "\n"));
        Assert.Contains("34,826", output);
        if (command.Contains("json")) Assert.Contains("\"contradictions\": [", output);
    }

    [Fact]
    public void A_printed_table_whose_totals_disagree_with_their_parts_exits_one()
    {
        var path = Path.Combine(_dir, "parts.txt");
        File.WriteAllText(path, AlteredTable.Replace("Total params: 99,999", "Total params: 34,826").Replace("Trainable params: 99,999", "Trainable params: 34,000"));
        var (code, _, error) = Run("summary", "--format", "json", path);
        Assert.Equal(Cli.ModelError, code);
        Assert.Contains("trainable + non-trainable = 34,000 + 0 = 34,000, but the total says 34,826", error);
    }

    [Fact]
    public void A_printed_table_that_adds_up_exits_zero()
    {
        var path = Path.Combine(_dir, "whole.txt");
        File.WriteAllText(path, AlteredTable.Replace("99,999", "34,826"));
        var (code, output, error) = Run("summary", "--format", "json", path);
        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", error);
        Assert.DoesNotContain("contradictions", output);
    }

    [Fact]
    public async Task A_closed_standard_input_is_an_error_not_a_wait()
    {
        // Descriptor 0 closed by the shell (<&-); only a shell can start a process so.
        if (!OperatingSystem.IsLinux()) return;
        var exe = Path.Combine(AppContext.BaseDirectory, "paramlens.dll");
        var start = new ProcessStartInfo("/bin/sh", ["-c", $"exec dotnet '{exe}' summary - <&-"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExit(60_000);
        if (!exited) process.Kill(entireProcessTree: true);
        Assert.True(exited, "paramlens waited on a closed standard input");
        Assert.Equal(Cli.UsageError, process.ExitCode);
        Assert.Equal("paramlens: <stdin>: standard input is closed; give a model file, or pipe one in\n", await error);
    }
}
