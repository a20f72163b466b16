// Strings of the fan pages. Every key here needs its English twin (a type error otherwise).
export const fanKo = {
} as const;

export const fanEn: Record<keyof typeof fanKo, string> = {
};
