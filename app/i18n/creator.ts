// Strings of the creator pages. Every key here needs its English twin (a type error otherwise).
export const creatorKo = {
} as const;

export const creatorEn: Record<keyof typeof creatorKo, string> = {
};
