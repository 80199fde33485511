export declare function trace(message: string, opts?: {
    stderr?: boolean;
}): void;
export declare function errorText(err: unknown): string;
