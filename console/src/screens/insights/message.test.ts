import { describe, expect, it } from "vitest";
import { filled, insertAt, textProblem } from "./message";

describe("a campaign's text", () => {
  it("is checked as the engine checks it", () => {
    expect(textProblem("Hi {name}: {link}", false)).toBe("");
    expect(textProblem("Hi {name", false)).toBe("braces");
    expect(textProblem("Hi }name{", false)).toBe("braces");
    expect(textProblem("Hi {{name}}", false)).toBe("braces");
    expect(textProblem("Hi {nombre}", false)).toBe("placeholder");
    expect(textProblem("{bonus} until {expires}", false)).toBe("needsBonus");
    expect(textProblem("{bonus} until {expires}", true)).toBe("");
  });

  it("is filled in for a client", () => {
    expect(filled("Hi {name}, {offer}. {other}", { name: "Анна", offer: "" })).toBe("Hi Анна, . {other}");
  });

  it("takes a placeholder at the cursor", () => {
    expect(insertAt("Hi , see you", "{name}", 3, 3)).toEqual({ text: "Hi {name}, see you", cursor: 9 });
    expect(insertAt("Hi X!", "{name}", 3, 4)).toEqual({ text: "Hi {name}!", cursor: 9 });
    expect(insertAt("", "{link}", 5, 9)).toEqual({ text: "{link}", cursor: 6 });
  });
});
