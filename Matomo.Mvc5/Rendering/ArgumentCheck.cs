using System;
using System.Collections.Generic;

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

        /// <summary>An ecommerce category: null (none) or text.</summary>
        public static void Category(string owner, string method, string argument, string category)
        {
            if (category != null && string.IsNullOrWhiteSpace(category)) throw Invalid(owner, method, argument, "is empty or white space; give null for none");
        }

        /// <summary>One to five categories (Matomo's limit), none empty: copied.</summary>
        public static List<string> Categories(string owner, string method, string argument, IEnumerable<string> categories)
        {
            var list = new List<string>(categories);
            if (list.Count == 0 || list.Count > MaxCategories)
                throw OutOfRange(owner, method, argument, "must hold 1 to " + MaxCategories + " categories (Matomo's limit)");
            for (int i = 0; i < list.Count; i++)
                if (string.IsNullOrWhiteSpace(list[i])) throw Invalid(owner, method, argument, "holds a null, empty or white-space category");
            return list;
        }

        /// <summary>The most categories Matomo keeps for a product.</summary>
        public const int MaxCategories = 5;

        public static ArgumentException Invalid(string owner, string method, string argument, string problem) =>
            new ArgumentException(Message(owner, method, argument, problem), argument);

        public static ArgumentNullException Missing(string owner, string method, string argument, string problem) =>
            new ArgumentNullException(argument, Message(owner, method, argument, problem));

        public static ArgumentOutOfRangeException OutOfRange(string owner, string method, string argument, string problem) =>
            new ArgumentOutOfRangeException(argument, Message(owner, method, argument, problem));

        /// <summary><c>Owner.Method: argument problem.</c>, or <c>Owner: argument problem.</c> for a constructor (null method).</summary>
        private static string Message(string owner, string method, string argument, string problem) =>
            (method == null ? owner : owner + "." + method) + ": " + argument + " " + problem + ".";
    }
}
