namespace Matomo.Mvc5 { internal static class Placeholder { } }
