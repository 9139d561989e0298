using System;

namespace Matomo.Mvc5.Rendering
{
    /// <summary>
    /// The argument rules of the page API and the server-side tracker, one definition each, so that an event, a goal or
    /// an amount is refused alike on the page and on the server. Messages name the type, the method and the argument:
    /// <c>MatomoPage.TrackEvent: category is null.</c>
    /// </summary>
    internal static class ArgumentCheck
    {
        /// <summary>Neither null nor empty nor white space.</summary>
        public static void Required(string owner, string method, string argument, string value)
        {
            if (value == null) throw Missing(owner, method, argument, "is null");
            if (string.IsNullOrWhiteSpace(value)) throw Invalid(owner, method, argument, "is empty or white space");
        }

        /// <summary>Null (left out), or as <see cref="Required"/>.</summary>
        public static void Optional(string owner, string method, string argument, string value)
        {
            if (value != null) Required(owner, method, argument, value);
        }

        /// <summary>An amount of money: 0 or more.</summary>
        public static void Money(string owner, string method, string argument, decimal? value)
        {
            if (value < 0) throw OutOfRange(owner, method, argument, "must be 0 or more");
        }

        /// <summary>A finite number (an event's value).</summary>
        public static void Finite(string owner, string method, string argument, double? value)
        {
            if (value.HasValue && (double.IsNaN(value.Value) || double.IsInfinity(value.Value)))
                throw OutOfRange(owner, method, argument, "must be a finite number");
        }

        /// <summary>A goal id in Matomo: 1 or more.</summary>
        public static void GoalId(string owner, string method, string argument, int value)
        {
            if (value < 1) throw OutOfRange(owner, method, argument, "must be 1 or more (a goal id in Matomo)");
        }

        /// <summary>A count: null or 0 or more.</summary>
        public static void Count(string owner, string method, string argument, int? value)
        {
            if (value < 0) throw OutOfRange(owner, method, argument, "must be 0 or more");
        }

        public static ArgumentException Invalid(string owner, string method, string argument, string problem) =>
            new ArgumentException($"{owner}.{method}: {argument} {problem}.", argument);

        public static ArgumentNullException Missing(string owner, string method, string argument, string problem) =>
            new ArgumentNullException(argument, $"{owner}.{method}: {argument} {problem}.");

        public static ArgumentOutOfRangeException OutOfRange(string owner, string method, string argument, string problem) =>
            new ArgumentOutOfRangeException(argument, $"{owner}.{method}: {argument} {problem}.");
    }
}
