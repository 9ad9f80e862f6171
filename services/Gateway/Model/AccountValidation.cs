using System.Net.Mail;

namespace CreatorChat.Gateway.Model;

public static class AccountValidation
{
    public const int EmailMax = 254;
    public const int NameMax = 100;
    public const int PasswordMin = 10;
    public const int PasswordMax = 128;

    // The handful of passwords every credential-stuffing list starts with.
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "password123", "password1234", "1234567890", "qwertyuiop", "123456789a", "iloveyou123", "letmein123",
        "welcome123", "admin12345", "abc1234567", "passw0rd123", "qwerty12345", "1q2w3e4r5t",
    };

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static Dictionary<string, string[]> Validate(RegisterRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!IsValidEmail(request.Email))
        {
            errors["email"] = ["A valid email address is required."];
        }

        if (PasswordProblem(request.Password) is { } problem)
        {
            errors["password"] = [problem];
        }

        if (request.Name is { } name && (name.Length > NameMax || name.Any(char.IsControl)))
        {
            errors["name"] = [$"At most {NameMax} characters, no control characters."];
        }

        return errors;
    }

    public static bool IsValidEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > EmailMax || email.Any(char.IsControl) || email.Any(char.IsWhiteSpace))
        {
            return false;
        }

        return MailAddress.TryCreate(email.Trim(), out var address) &&
               address.Address.Equals(email.Trim(), StringComparison.OrdinalIgnoreCase) &&
               address.Host.Contains('.', StringComparison.Ordinal);
    }

    public static string? PasswordProblem(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < PasswordMin)
        {
            return $"Use at least {PasswordMin} characters.";
        }

        if (password.Length > PasswordMax)
        {
            return $"Use at most {PasswordMax} characters.";
        }

        if (password.Distinct().Count() < 4 || Common.Contains(password))
        {
            return "This password is too easy to guess.";
        }

        if (!password.Any(char.IsLetter) || !password.Any(c => !char.IsLetter(c)))
        {
            return "Mix letters with digits or symbols.";
        }

        return null;
    }
}
