using Feedback.Api.Features.Auth;
using FluentValidation;

namespace Feedback.Api.Features.Users;

/// <summary>
/// "admin [username]": creates the first administrator of a fresh database (make admin). The
/// password comes from FEEDBACK_ADMIN_PASSWORD or is asked for twice without echo; it is checked
/// by the same rules as the API's.
/// </summary>
public static class AdministratorVerb
{
    private sealed record PasswordOnly(string Password);

    private sealed class PasswordValidator : AbstractValidator<PasswordOnly>
    {
        public PasswordValidator() => RuleFor(p => p.Password).NewPassword();
    }

    public static async Task<int> RunAsync(IServiceProvider services, string username)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(username, StaffAccountRules.UsernamePattern))
        {
            Console.Error.WriteLine($"'{username}' is not a valid username: {StaffAccountRules.UsernamePattern}");
            return 2;
        }
        var password = Environment.GetEnvironmentVariable("FEEDBACK_ADMIN_PASSWORD") ?? Ask();
        var problems = new PasswordValidator().Validate(new PasswordOnly(password ?? ""));
        if (!problems.IsValid)
        {
            Console.Error.WriteLine(string.Join(Environment.NewLine, problems.Errors.Select(e => e.ErrorMessage)));
            return 2;
        }
        if (!await services.GetRequiredService<StaffAccounts>().CreateAdministratorAsync(username, password!, CancellationToken.None))
        {
            Console.Error.WriteLine($"A user named '{username}' already exists; nothing changed.");
            return 1;
        }
        Console.WriteLine($"Created administrator '{username}'. Sign in at /#/staff/login and open the other accounts there.");
        return 0;
    }

    private static string? Ask()
    {
        if (Console.IsInputRedirected) return Console.ReadLine();
        var first = ReadHidden("Password for the new administrator: ");
        var second = ReadHidden("Repeat it: ");
        if (first == second) return first;
        Console.Error.WriteLine("The two passwords differ.");
        return null;
    }

    private static string ReadHidden(string prompt)
    {
        Console.Write(prompt);
        var typed = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (typed.Length > 0) typed.Length--; }
            else if (!char.IsControl(key.KeyChar)) typed.Append(key.KeyChar);
        }
        Console.WriteLine();
        return typed.ToString();
    }
}
